"""Monitoring: the Prometheus scrape endpoint ``/metrics`` (followup/web/metrics/)."""

from config.env import env_str

# Off unless set: without a token ``/metrics`` is a 404. Prometheus sends it as
# ``Authorization: Bearer <token>`` (deploy/prometheus/prometheus.yml).
METRICS_TOKEN = env_str("METRICS_TOKEN")
# Several gunicorn workers each count their own requests: with PROMETHEUS_MULTIPROC_DIR set
# (an empty folder, emptied at each start), prometheus_client writes them to files there and
# the scrape adds them up. Read by prometheus_client itself; named here to be found.
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR")
