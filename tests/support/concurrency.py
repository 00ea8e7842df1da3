"""Work started in several threads at the same moment, for tests of what arrives at once."""

import threading
from collections.abc import Callable

from django.db import connection


def at_once(count: int, work: Callable[[], object]) -> list[object]:
    """Run ``work`` in ``count`` threads released together; re-raise the first error."""
    barrier = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
