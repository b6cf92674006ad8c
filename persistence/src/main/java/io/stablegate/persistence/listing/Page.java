package io.stablegate.persistence.listing;

import java.util.List;
import java.util.Optional;

/** One page of a listing, newest first, and where the next page starts if there is one. */
public record Page<T, C>(List<T> items, Optional<C> next) {}
