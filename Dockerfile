# Build the jar first (mvn -B package -DskipTests), then: docker build -t genapi:0.1.0 .
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY target/genapi.jar /app/genapi.jar
COPY conf /etc/genapi
EXPOSE 8080 15701
ENTRYPOINT ["java", "-jar", "/app/genapi.jar"]
CMD ["all-in-one", "--conf", "/etc/genapi", "--http-host", "0.0.0.0"]
