package io.stablegate.http.profile;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The body of {@code PUT /api/v1/profile}; the name's length is counted in characters afterwards. */
public record ProfileRequest(@NotNull @Size(max = 400) String displayName) {}
