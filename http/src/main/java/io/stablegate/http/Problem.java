package io.stablegate.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem, the body of every error answer ({@code application/problem+json}).
 * {@code errors} lists the offending fields of a validation failure.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

  public record FieldError(String field, String message) {}

  public static Problem of(int status, String title, String detail) {
    return new Problem("about:blank", title, status, detail, null);
  }

  public static Problem validation(List<FieldError> errors) {
    return new Problem("https://stablegate.io/problems/validation", "Invalid request", 400,
        "The request has invalid fields.", List.copyOf(errors));
  }
}
