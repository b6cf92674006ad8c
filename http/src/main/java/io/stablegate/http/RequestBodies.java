package io.stablegate.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Reads a JSON request body into a record and checks it with Jakarta Bean Validation: a body that is
 * not {@code application/json} is 415, one over the size limit 413, malformed JSON, a wrong type, an
 * unknown field or a broken constraint 400 naming the field. Nothing runs for a body that fails.
 */
public final class RequestBodies extends AllDirectives {
  // Messages are interpolated without EL: no expression language on the classpath, no EL injection.
  private static final ValidatorFactory VALIDATION = Validation.byDefaultProvider().configure()
      .messageInterpolator(new ParameterMessageInterpolator())
      .buildValidatorFactory();

  private final Validator validator = VALIDATION.getValidator();
  private final long maxBytes;
  private final long timeoutMillis;

  public RequestBodies(ApiSettings settings) {
    this.maxBytes = settings.maxBodyBytes();
    this.timeoutMillis = settings.bodyTimeout().toMillis();
  }

  /** The body as {@code type}, validated, for {@code inner}. */
  public <T> Route json(Class<T> type, Function<T, Route> inner) {
    return raw(bytes -> inner.apply(parse(bytes, type)));
  }

  /** The body's bytes, after the content type and size checks. */
  public Route raw(Function<byte[], Route> inner) {
    return extractRequestEntity(entity -> {
      if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
        throw ApiProblem.of(415, "Unsupported media type", "The body must be application/json.");
      }
      if (entity.getContentLengthOption().isPresent() && entity.getContentLengthOption().getAsLong() > maxBytes) {
        throw ApiProblem.of(413, "Payload too large", "The request body is larger than " + maxBytes + " bytes.");
      }
      return extractMaterializer(materializer -> onSuccess(
          // withSizeLimit fails a body over the limit with EntityStreamSizeException (413), chunked too
          entity.withSizeLimit(maxBytes).toStrict(timeoutMillis, materializer)
              .exceptionally(error -> {
                throw ErrorHandling.toProblem(error);
              }),
          (HttpEntity.Strict strict) -> inner.apply(strict.getData().toArray())));
    });
  }

  /** Parses and validates; throws {@link ApiProblem} (400) naming the offending fields. */
  public <T> T parse(byte[] body, Class<T> type) {
    refuseUnfaithfulText(body);
    T value;
    try {
      value = Json.MAPPER.readValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      throw ApiProblem.field(path(e), "unknown field");
    } catch (MismatchedInputException e) {
      String field = path(e);
      throw ApiProblem.field(field.isEmpty() ? "body" : field,
          e.getPath().isEmpty() ? "the body must be a JSON object" : "wrong JSON type or format");
    } catch (JsonProcessingException e) {
      throw ApiProblem.field("body", "malformed JSON");
    } catch (IOException e) {
      throw ApiProblem.field("body", "unreadable body");
    }
    if (value == null) {
      throw ApiProblem.field("body", "the body must be a JSON object");
    }
    List<Problem.FieldError> errors = validator.validate(value).stream()
        .sorted(Comparator.comparing((ConstraintViolation<T> v) -> v.getPropertyPath().toString()))
        .map(v -> new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage()))
        .toList();
    if (!errors.isEmpty()) {
      throw ApiProblem.fields(errors);
    }
    return value;
  }

  /**
   * Every string of the body, keys included and however deeply nested, must be text PostgreSQL and
   * JSON carry faithfully ({@link TextRules}); 400 names the first that is not (for a key, the object
   * holding it). A body that is not well-formed JSON is left to the parse, which says so.
   */
  static void refuseUnfaithfulText(byte[] body) {
    try (JsonParser parser = Json.MAPPER.createParser(body)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.FIELD_NAME && !TextRules.faithful(parser.currentName())) {
          throw ApiProblem.field(path(parser.getParsingContext().getParent()), TextRules.MESSAGE);
        }
        if (token == JsonToken.VALUE_STRING && !TextRules.faithful(parser.getText())) {
          throw ApiProblem.field(path(parser.getParsingContext()), TextRules.MESSAGE);
        }
      }
    } catch (IOException e) {
      // Not well-formed: the parse below answers with what is wrong.
    }
  }

  /** {@code a.b[0].c} of a place in the body; {@code body} for the top level. */
  private static String path(JsonStreamContext context) {
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        parts.push((c.getParent() == null || c.getParent().inRoot() ? "" : ".") + c.getCurrentName());
      } else if (c.inArray()) {
        parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
      }
    }
    return parts.isEmpty() ? "body" : String.join("", parts);
  }

  private static String path(JsonMappingException e) {
    StringBuilder field = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!field.isEmpty()) {
          field.append('.');
        }
        field.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        field.append('[').append(ref.getIndex()).append(']');
      }
    }
    return field.toString();
  }
}
