# Impartial's scoring service as a container image.
#
#   make wheelhouse                       # fills build/wheelhouse/ with pip download
#   docker build -t impartial:0.1.0 .     # or: buildah bud --format docker -t impartial:0.1.0 .
#
# The build reaches no package index: every wheel comes from build/wheelhouse/, so the
# same wheelhouse gives the same image offline. BASE_IMAGE may be any Debian bookworm
# with python3 (3.11) and its venv module; pin it by digest where your registry allows
# (python:3.11-slim-bookworm@sha256:...). `make image-test` passes a base built here
# with debootstrap.
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml ./
COPY build/wheelhouse/ /wheels/
# Only the dependencies pinned in pyproject.toml go into the venv; the app itself is
# copied as source below, because it reads shared-rules/schema.json beside service/.
RUN python3 -m venv /opt/impartial \
 && python3 -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
 && /opt/impartial/bin/pip install --no-cache-dir --no-index --find-links /wheels -r requirements.txt \
 && /opt/impartial/bin/pip uninstall --yes pip setuptools
WORKDIR /app
COPY service/ service/
COPY shared-rules/schema.json shared-rules/schema.json
RUN /opt/impartial/bin/python -m compileall -q service

FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="impartial" \
      org.opencontainers.image.description="Warns public servants when a draft post puts their political impartiality at risk."
# HOST and PORT are what service/gunicorn_conf.py binds; everything else is IMPARTIAL_*.
ENV PATH=/opt/impartial/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8765 \
    IMPARTIAL_RULES_DIR=/rules
COPY --from=build /opt/impartial /opt/impartial
COPY --from=build /app /app
# The project's rules are the default; mount your own directory (or a ConfigMap) at /rules.
COPY shared-rules/guidance.yaml shared-rules/profiles.yaml /rules/
COPY shared-rules/packs/ /rules/packs/
COPY shared-rules/lexicons/ /rules/lexicons/
WORKDIR /app
# No account needed: a fixed uid that owns nothing in the image. The only writes go to
# /tmp (gunicorn's runtime directory and the workers' shared metrics), so the root
# filesystem can be mounted read-only with a tmpfs at /tmp.
USER 10001:10001
EXPOSE 8765
VOLUME ["/tmp"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '8765'), timeout=4)"]
# As `make run` starts it.
CMD ["gunicorn", "-c", "service/gunicorn_conf.py", "service:create_app()"]
