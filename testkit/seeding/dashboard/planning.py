"""Planning a clinic's histories (part of ``Seeder``): each patient's sessions and check-ins
with their outcomes, drawn so the clinic's responses come out exact; the heavy patient; and
which patients have an unresolved flag."""

import datetime as dt

from testkit.seeding.dashboard.shapes import (
    RESPONSES_OF,
    UNRESOLVED_REASONS,
    ZONES,
    ClinicInfo,
    PatientPlan,
    Visit,
)


class Planning:
    """Part of ``Seeder``: uses its ``rng`` and ``now``."""

    def _plan_clinic(
        self, clinic: ClinicInfo, patients: int, responses: int, heavy: bool
    ) -> list[PatientPlan]:
        rng = self.rng
        plans = [self._plan_heavy(clinic)] if heavy else []
        for number in range(len(plans), patients):
            plans.append(self._plan_patient(clinic, number))
        pool = [v for p in plans for v in p.visits if v.outcome == "pool"]
        fixed = sum(RESPONSES_OF[v.outcome] for p in plans for v in p.visits if v.outcome != "pool")
        need = responses - fixed
        partial, half = round(0.05 * len(pool)), round(0.04 * len(pool))
        if (need - partial - 2 * half) % 2:
            partial += 1
        completed = (need - partial - 2 * half) // 2
        unanswered = len(pool) - completed - partial - half
        if completed < 0 or unanswered < 0:
            raise SystemExit(
                f"cannot make exactly {responses:,} responses from {len(pool):,} past check-ins "
                f"(+{fixed:,} fixed): choose about 10 responses per patient"
            )
        outcomes = (
            ["completed"] * completed
            + ["expired1"] * partial
            + ["expired2"] * half
            + ["expired0"] * unanswered
        )
        rng.shuffle(outcomes)
        for visit, outcome in zip(pool, outcomes, strict=True):
            visit.outcome = outcome
            if outcome != "expired0":
                visit.answered = visit.due + dt.timedelta(minutes=rng.uniform(3, 20 * 60))
        planned = sum(RESPONSES_OF[v.outcome] for p in plans for v in p.visits)
        assert planned == responses, (planned, responses)
        return plans

    def _plan_patient(self, clinic: ClinicInfo, number: int) -> PatientPlan:
        rng, now = self.rng, self.now
        count = rng.choices((1, 2, 3, 4, 5), weights=(10, 25, 30, 20, 15))[0]
        last = now - dt.timedelta(days=rng.uniform(0.5, 200))
        times = [last]
        for _ in range(count - 1):
            times.append(times[-1] - dt.timedelta(days=rng.uniform(5, 40)))
        # Sessions in the afternoon, US time.
        sessions = [
            t.replace(hour=0, minute=0, second=0)
            + dt.timedelta(minutes=rng.randint(14 * 60, 21 * 60))
            for t in reversed(times)
        ]
        sessions = [min(s, now - dt.timedelta(hours=1)) for s in sessions]
        consent = rng.random() < 0.96
        opted_out_at = None
        if rng.random() < 0.03:
            opted_out_at = sessions[0] + (now - sessions[0]) * rng.uniform(0.2, 0.9)
        plan = PatientPlan(
            number=number,
            zone=rng.choice(ZONES),
            channel="web" if rng.random() < 0.15 else "sms",
            consent=consent,
            opted_out_at=opted_out_at,
            created=sessions[0] - dt.timedelta(days=rng.uniform(1, 20)),
            sessions=sessions,
            visits=[],
            baseline=(rng.triangular(3, 24, 13), rng.triangular(2, 20, 10)),
            improvement=rng.uniform(-0.2, 0.7),
        )
        # Due in the last 73 hours: still open (sent, in progress) or answered; before that,
        # answered or expired in the proportions that make the clinic's total exact.
        recent = now - dt.timedelta(hours=73)
        for index, occurred in enumerate(sessions):
            following = sessions[index + 1] if index + 1 < len(sessions) else None
            for step, hours in enumerate(clinic.plan_hours):
                due = occurred + dt.timedelta(hours=hours)
                visit = Visit(index, step, due, "pool")
                if following is not None and due > following:
                    visit.outcome = "cancelled"  # superseded by the next session
                elif due > now:
                    visit.outcome = "scheduled"
                elif not consent:
                    visit.outcome, visit.reason = "undeliverable", "no_sms_consent"
                elif opted_out_at is not None and due > opted_out_at:
                    visit.outcome, visit.reason = "undeliverable", "opted_out"
                elif due > recent:
                    still_open = due > now - dt.timedelta(hours=70)
                    visit.outcome = (
                        rng.choices(("completed", "in_progress", "sent"), weights=(40, 20, 40))[0]
                        if still_open
                        else "completed"
                    )
                    if visit.outcome != "sent":
                        latest = max(1.0, (now - due).total_seconds() / 60 - 1)
                        minutes = rng.uniform(1, min(latest, 1200))
                        visit.answered = min(now, due + dt.timedelta(minutes=minutes))
                plan.visits.append(visit)
        return plan

    def _plan_heavy(self, clinic: ClinicInfo) -> PatientPlan:
        """60 sessions 10 days apart, a check-in every day after each (600), all answered."""
        rng, now = self.rng, self.now
        first = (now - dt.timedelta(days=11 + 59 * 10)).replace(hour=15, minute=0, second=0)
        sessions = [first + dt.timedelta(days=10 * k) for k in range(60)]
        visits = [
            Visit(
                index,
                step,
                occurred + dt.timedelta(days=step + 1),
                "completed",
                answered=occurred + dt.timedelta(days=step + 1, minutes=rng.uniform(2, 600)),
            )
            for index, occurred in enumerate(sessions)
            for step in range(10)
        ]
        for visit in visits:
            visit.answered = min(visit.answered, now - dt.timedelta(minutes=5))
        return PatientPlan(
            number=-1,
            zone="America/Chicago",
            channel="sms",
            consent=True,
            opted_out_at=None,
            created=first - dt.timedelta(days=3),
            sessions=sessions,
            visits=visits,
            baseline=(21.0, 16.0),
            improvement=0.6,
            heavy=True,
        )

    def _plan_flags(self, plans: list[PatientPlan], open_count: int, acknowledged: int) -> None:
        """Unresolved flags on distinct patients: ``open_count`` open ones raised by an answer
        in the last 40 minutes (still paging), ``acknowledged`` ones from the last 14 days."""
        rng, now = self.rng, self.now
        reasons, weights = zip(*UNRESOLVED_REASONS, strict=True)

        def latest_completed(plan: PatientPlan) -> int:
            return max(
                (i for i, v in enumerate(plan.visits) if v.outcome == "completed"),
                key=lambda i: plan.visits[i].due,
                default=-1,
            )

        fresh, recent = [], []
        for plan in plans:
            index = latest_completed(plan)
            if index < 0 or plan.heavy:
                continue
            age = now - plan.visits[index].answered
            if age < dt.timedelta(hours=72):
                fresh.append((plan, index))
            elif age < dt.timedelta(days=14):
                recent.append((plan, index))
        if len(fresh) < open_count or len(fresh) + len(recent) < open_count + acknowledged:
            raise SystemExit("too few recently answered check-ins for the unresolved flags")
        rng.shuffle(fresh)
        chosen = [(p, i, "open") for p, i in fresh[:open_count]]
        rest = fresh[open_count:] + recent
        rng.shuffle(rest)
        chosen += [(p, i, "acknowledged") for p, i in rest[:acknowledged]]
        for plan, index, status in chosen:
            plan.flag_reason = rng.choices(reasons, weights=weights)[0]
            plan.flag_status, plan.flag_visit = status, index
            if status == "open":
                visit = plan.visits[index]
                at = now - dt.timedelta(minutes=rng.uniform(2, 40))
                visit.answered = min(now, max(at, visit.due + dt.timedelta(minutes=2)))
        for plan in plans:
            if plan.heavy:
                plan.flag_reason, plan.flag_status = "suicidal_ideation", "acknowledged"
                plan.flag_visit = latest_completed(plan)
