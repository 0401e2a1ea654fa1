# arxivflow in a container: the scheduler, executor, web UI and REST API of
# `arxivflow standalone` on port 8080, with the shipped DAGs.
#
#   docker build -t arxivflow .
#   docker run -p 8080:8080 -v arxivflow-home:/home/arxivflow/arxivflow arxivflow
#
# Stage 1 builds with the same Debian 12 packages as scripts/install-deps;
# stage 2 carries only the runtime libraries and the binary.

FROM debian:12-slim AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      g++ cmake ninja-build pkg-config make ca-certificates \
      libsimdjson-dev libpq-dev libsqlite3-dev libssh-dev libcurl4-openssl-dev libssl-dev \
      libsodium-dev libsnappy-dev libzstd-dev zlib1g-dev nlohmann-json3-dev \
      libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# `make build` without its `deps` step (the packages above are that step).
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DARXIVFLOW_BENCH=OFF \
 && cmake --build build --target arxivflow -j "$(nproc)" \
 && strip build/arxivflow

FROM debian:12-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
# Runtime libraries of the build packages above (Debian 12 names).
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      ca-certificates libsimdjson14 libpq5 libsqlite3-0 libssh-4 libcurl4 libssl3 \
      libsodium23 libsnappy1v5 libzstd1 zlib1g libyaml-cpp0.7 libspdlog1.10 libfmt9 \
      openssh-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 --shell /usr/sbin/nologin arxivflow
COPY --from=build /src/build/arxivflow /usr/local/bin/arxivflow
# The shipped DAGs are also compiled into the binary (`db init` installs them
# into $ARXIVFLOW_HOME/dags); this copy is the reference to diff or mount.
COPY --from=build /src/dags /opt/arxivflow/dags
USER arxivflow
WORKDIR /home/arxivflow
ENV ARXIVFLOW_HOME=/home/arxivflow/arxivflow
EXPOSE 8080
CMD ["arxivflow", "standalone", "--host", "0.0.0.0", "--port", "8080"]
