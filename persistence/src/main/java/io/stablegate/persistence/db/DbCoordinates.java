package io.stablegate.persistence.db;

/** Where the database is and who to log in as. {@link #toString()} never shows the password. */
public record DbCoordinates(String url, String user, String password) {
  @Override
  public String toString() {
    return "DbCoordinates[url=" + url + ", user=" + user + "]";
  }
}
