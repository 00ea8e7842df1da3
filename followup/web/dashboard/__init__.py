"""The clinicians' dashboard: views, forms and, in ``presenters/``, the reads that shape its
pages' wording."""
