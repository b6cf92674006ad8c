# The image the k8s/ manifests run. Build the jar first: mvn -B -DskipTests package
FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 stablegate
WORKDIR /opt/stablegate
COPY app/target/lib/ lib/
COPY app/target/stablegate.jar stablegate.jar
USER 10001
EXPOSE 8080 8558 2551
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/stablegate/stablegate.jar"]
CMD ["serve"]
