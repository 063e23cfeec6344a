# Production image: the package installed (not editable), served by `equeue run`.
# Build: docker build -t equeue .    Run: docker run -p 8080:8080 -v equeue-data:/data equeue

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY equeue_ui ./equeue_ui
COPY db ./db
COPY migrations ./migrations
COPY pages ./pages
COPY components ./components
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    EQUEUE_HOST=0.0.0.0 \
    EQUEUE_PORT=8080 \
    EQUEUE_DATA_DIR=/data
COPY --from=build /wheels /wheels
# The exact versions the tests passed with (hash-checked), then eQueue itself on top of them.
COPY requirements.lock /tmp/requirements.lock
RUN pip install --require-hashes -r /tmp/requirements.lock \
    && pip install --no-deps /wheels/*.whl && rm -rf /wheels /tmp/requirements.lock \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home equeue \
    && mkdir -p /data && chown equeue:equeue /data
USER equeue
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('EQUEUE_PORT', '8080') + '/healthz', timeout=4)"]
CMD ["equeue", "run"]
