"""The pages people use: the clinicians' dashboard (``dashboard/``), the patient's check-in page,
the dev phone, ``/healthz`` and the middleware every request goes through."""
