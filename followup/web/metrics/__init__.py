"""``/metrics``: the service's health for Prometheus (the series in ``series.py``, the HTTP
histogram in ``http.py``, the broker's queues in ``broker.py``, the endpoint in ``view.py``)."""
