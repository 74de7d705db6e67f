# summariser serve in a container: `docker build -t summariser .` then
#   docker run -p 127.0.0.1:8000:8000 -e SUMMARISER_API_TOKEN=... -v summariser-data:/data summariser
# llama-cpp-python is built from source with the same pinned flags as the Makefile (LLAMA_CMAKE_ARGS):
# a native build picks up CPU features (AMX) of the build machine and crashes elsewhere.
# tests/serve/test_serve_docs.py fails if these flags drift from the Makefile's.

FROM python:3.11-slim-bookworm AS build
ARG LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake git \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY summariser ./summariser
COPY prompts ./prompts
COPY schemas ./schemas
RUN CMAKE_ARGS="$LLAMA_CMAKE_ARGS" pip wheel --no-cache-dir --wheel-dir /wheels '.[serve]'

FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgomp1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 summariser \
 && mkdir /data && chown summariser /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels 'summariser[serve]' && rm -rf /wheels
USER summariser
ENV SUMMARISER_CACHE_DIR=/data/cache \
    SUMMARISER_LOG_DB=/data/logs.db \
    PYTHONUNBUFFERED=1
VOLUME /data
EXPOSE 8000
# Inside the container it must listen on all interfaces; publish the port on 127.0.0.1 (as above) or
# behind a reverse proxy, and set SUMMARISER_API_TOKEN.
CMD ["summariser", "serve", "--host", "0.0.0.0", "--port", "8000", "--batch-dir", "/data/batches"]
