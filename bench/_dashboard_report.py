"""The dashboard benchmark's tables: each page's figures at one size, the ratios across sizes,
the database's counts, and EXPLAIN ANALYZE of each page's slowest queries."""

import _support as bench
from _dashboard_pages import PageResult, span

TARGET_MS = 200.0  # issue 5: server time of the queue and a patient page


def table(results: list[PageResult]) -> str:
    header = (
        f"{'page':<24} {'HTTP':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'queries':>7} "
        f"{'own q':>6} {'SQL ms':>7} {'KB':>5} {'noise':>5}  p95 < {TARGET_MS:.0f} ms"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        status = "/".join(str(s) for s in sorted(r.statuses))
        verdict = "yes" if r.p95 < TARGET_MS else "NO"
        lines.append(
            f"{r.name:<24} {status:>5} {bench.percentile(r.times_ms, 0.5):>7.1f} "
            f"{r.p95:>7.1f} {max(r.times_ms):>7.1f} {span(r.queries):>7} "
            f"{span(r.own_queries):>6} {bench.percentile(r.sql_ms, 0.5):>7.1f} "
            f"{r.size / 1024:>5.0f} {r.other_load:>5.0%}  {verdict}"
        )
    lines.append(
        "(p50/p95/max: server time in this process; queries: per request, own q: without the "
        "session's; SQL ms: p50 of the summed query time; noise: other processes' share of the "
        "machine meanwhile)"
    )
    return "\n".join(lines)


def figures(r: PageResult) -> dict:
    return {
        "status": "/".join(str(s) for s in sorted(r.statuses)),
        "p50": bench.percentile(r.times_ms, 0.5),
        "p95": r.p95,
        "queries": span(r.own_queries),
        "sql": bench.percentile(r.sql_ms, 0.5),
        "kb": r.size / 1024,
    }


def ratio_table(results: dict[int, dict]) -> str:
    """Each page's p50 (and SQL p50) at every size, and the largest size's over the smallest's:
    a cost flat with the clinic's size is about 1."""
    sizes = sorted(results)
    small, large = sizes[0], sizes[-1]
    head = "".join(f"{f'{n:,} p50 ms':>15} {'SQL':>6} {'q':>5}" for n in sizes)
    header = f"{'page':<24}{head} {'ratio':>6}"
    lines = [header, "-" * len(header)]
    for name in results[small]:
        cells = "".join(
            f"{results[n][name]['p50']:>15.1f} {results[n][name]['sql']:>6.1f} "
            f"{results[n][name]['queries']:>5}"
            for n in sizes
        )
        ratio = results[large][name]["p50"] / results[small][name]["p50"]
        lines.append(f"{name:<24}{cells} {ratio:>5.2f}x")
    lines.append(
        f"(server time p50 per request; SQL: p50 ms of its queries; q: its queries without the "
        f"session's; ratio: p50 at {large:,} over p50 at {small:,} patients)"
    )
    return "\n".join(lines)


def database_counts(clinic: int) -> str:
    from followup.models import CheckIn, Flag, OutboundMessage, Patient, Response

    with_clinic = {
        "patients": Patient.objects.filter(clinic_id=clinic).count(),
        "responses": Response.objects.filter(patient__clinic_id=clinic).count(),
    }
    everywhere = {
        "patients": Patient.objects.count(),
        "responses": Response.objects.count(),
        "check-ins": CheckIn.objects.count(),
        "flags": Flag.objects.count(),
        "unresolved": Flag.objects.exclude(status=Flag.Status.RESOLVED).count(),
        "messages": OutboundMessage.objects.count(),
    }
    return (
        f"measured clinic {with_clinic['patients']:,} patients / "
        f"{with_clinic['responses']:,} responses; all: "
        + ", ".join(f"{k} {v:,}" for k, v in everywhere.items())
    )


def explain(results: list[PageResult], top: int) -> None:
    from django.db import connection, transaction

    for r in results:
        selects = [(ms, sql) for ms, sql in r.slowest if sql.lstrip().upper().startswith("SELECT")]
        print(
            f"\n=== EXPLAIN ANALYZE: {r.name} ({r.page.url}), {top} slowest of {len(r.slowest)} ==="
        )
        for ms, sql in selects[:top]:
            print(f"\n-- {ms:.2f} ms in the measured request:\n{sql}\n")
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n".join(row[0] for row in cursor.fetchall()))
                transaction.set_rollback(True)
