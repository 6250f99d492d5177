# syntax=docker/dockerfile:1.7
# HTTP variant: the NATS front alone; recognition goes to the Whisper service at WHISPER_URL
# (KServe/vLLM, faster-whisper-server, whisper.cpp server or `stt whisper-server`). No Whisper
# model inside; the Silero VAD model (2.3 MB, for STT_VAD=silero) is.
#   docker build -t voice-stt:0.1.0 .
# The JDK the tests run (scripts/java-env.sh): 25 in the build and in the image (docs/decisions/0021).
ARG MAVEN_IMAGE=maven:3.9.11-eclipse-temurin-25
ARG JRE_IMAGE=eclipse-temurin:25.0.3_9-jre-jammy

FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp dependency:go-offline
COPY src src
# The build CI runs (format check, -Xlint:all -Werror); the tests need nats-server and a model
# and run in CI (scripts/test.sh), not in the image build.
RUN mvn -B -ntp verify -DskipTests

FROM python:3.11-slim AS vad-model
WORKDIR /src
COPY scripts/ensure-vad-model.sh scripts/
# silero_vad.onnx from the silero-vad wheel on PyPI, SHA-256 checked (docs/decisions/0025).
RUN bash scripts/ensure-vad-model.sh

FROM ${JRE_IMAGE}
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin stt
WORKDIR /app
# The service artifact only: the development tools (stt bench) stay out of the image.
COPY --from=build /src/target/voice-stt.jar /app/voice-stt.jar
COPY --from=build /src/target/lib /app/lib
COPY --from=vad-model /src/models/silero_vad.onnx /app/models/silero_vad.onnx
ENV STT_RECOGNIZER=http \
    STT_VAD_MODEL_PATH=/app/models/silero_vad.onnx \
    STT_HEALTH_PORT=8080 \
    STT_JAVA_OPTS="-XX:MaxRAMPercentage=50"
USER 10001
EXPOSE 8080
# msgpack-core uses sun.misc.Unsafe, which JDK 24+ warns about on stderr at start-up.
ENTRYPOINT ["/bin/sh", "-c", "exec java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow $STT_JAVA_OPTS -cp '/app/voice-stt.jar:/app/lib/*' ai.voice.stt.cli.Main \"$@\"", "stt"]
CMD ["serve"]
