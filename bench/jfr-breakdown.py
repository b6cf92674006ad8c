#!/usr/bin/env python3
"""Where the CPU samples of a JFR recording go, by the first matching frame of each stack.

Usage: bench/jfr-breakdown.py recording.jfr
Prints, per category, the share of jdk.ExecutionSample events whose stack contains a frame of that
category (first match wins, top of stack first), and the hottest frames of the uncategorised rest.
"""
import collections, os, re, subprocess, sys

CATEGORIES = [  # (name, regex on a frame), checked from the top of the stack down
    ("bench setup (database start, migrations, sign-up)", r"EmbeddedPostgresServer|TestNode\.<init>|BenchNode\.<init>|Database\.migrate|flywaydb|ApiClient\.signUp|org\.tukaani"),
    ("bcrypt (sign-up/login)", r"bcrypt"),
    ("audit hash (SHA-256, canonical JSON)", r"EventHasher|sun\.security\.provider\.(SHA|Digest)"),
    ("read-model JSON (projection)", r"ReadModelJson"),
    ("journal serialization (Jackson CBOR)", r"jackson\.dataformat\.cbor|JacksonSerializer|serialization\.jackson"),
    ("Jackson (other JSON)", r"com\.fasterxml\.jackson"),
    ("PostgreSQL JDBC driver", r"org\.postgresql"),
    ("Slick / persistence-jdbc", r"^slick\.|persistence\.jdbc"),
    ("Hikari", r"com\.zaxxer\.hikari"),
    ("projections", r"pekko\.projection"),
    ("load generator (JDK HttpClient, same JVM)", r"jdk\.internal\.net\.http|java\.net\.http|CreateInvoiceBenchmark"),
    ("Pekko HTTP server and routes", r"pekko\.http|io\.stablegate\.http"),
    ("Pekko persistence (typed)", r"pekko\.persistence"),
    ("Pekko sharding / cluster", r"pekko\.cluster"),
    ("Pekko streams", r"pekko\.stream"),
    ("Pekko actors / dispatch", r"pekko\.actor|pekko\.dispatch"),
    ("Stablegate code", r"io\.stablegate"),
    ("JDK / JIT-compiled lambdas", r"^java\.|^jdk\.|^sun\."),
]

def main(path):
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "jfr")
    out = subprocess.run([java, "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", path],
                         capture_output=True, text=True, check=True).stdout
    counts, other, total = collections.Counter(), collections.Counter(), 0
    for event in out.split("jdk.ExecutionSample")[1:]:
        frames = [m.group(1) for m in re.finditer(r"^\s+([\w.$<>/]+)\(", event, re.M)]
        if not frames:
            continue
        total += 1
        for name, rx in CATEGORIES:
            if any(re.search(rx, f) for f in frames):
                counts[name] += 1
                break
        else:
            counts["other"] += 1
            other[frames[0]] += 1
    print(f"{total} samples")
    for name, n in counts.most_common():
        print(f"{100.0 * n / total:5.1f} %  {name}")
    print("top uncategorised frames:", ", ".join(f"{f} ({n})" for f, n in other.most_common(5)))

if __name__ == "__main__":
    main(sys.argv[1])
