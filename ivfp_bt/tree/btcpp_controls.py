"""BehaviorTree.CPP's Parallel, Repeat and RetryUntilSuccessful as py_trees nodes, tick for tick.

py_trees' own Parallel ticks every child before it decides, and its Retry and
Repeat restart their child on the next tick. BT.CPP 4.8 decides after each
child, and restarts a child that had been running in the same tick (yielding
only when the child finished in the tick it started). Trees read from XML use
these, so they do in py_trees what they do in BehaviorTree.CPP.
"""

from __future__ import annotations

from collections.abc import Iterator

from py_trees import behaviour, common, composites, decorators

Status = common.Status


class _Loop(decorators.Decorator):
    """Re-run the child until it ends with ``stop_on``, at most ``limit`` times (-1: no limit)."""

    def __init__(self, name: str, child: behaviour.Behaviour, limit: int, stop_on: Status) -> None:
        super().__init__(name=name, child=child)
        self.limit, self.stop_on, self.count = limit, stop_on, 0

    def tick(self) -> Iterator[behaviour.Behaviour]:
        if self.status != Status.RUNNING:
            self.initialise()
        while True:
            was_running = self.decorated.status == Status.RUNNING
            yield from self.decorated.tick()
            outcome = self.decorated.status
            if outcome == Status.RUNNING:
                self.status = Status.RUNNING
                break
            if outcome == self.stop_on:
                self._finish(outcome)
                break
            self.count += 1
            if self.limit != -1 and self.count >= self.limit:
                self._finish(Status.FAILURE if self.stop_on == Status.SUCCESS else Status.SUCCESS)
                break
            self.decorated.stop(Status.INVALID)
            if not was_running:   # finished in the tick it started: let the tree breathe
                self.status = Status.RUNNING
                break
        yield self

    def _finish(self, status: Status) -> None:
        self.count = 0
        self.stop(status)
        self.status = status

    def update(self) -> Status:
        return self.status

    def terminate(self, new_status: Status) -> None:
        if new_status == Status.INVALID:
            self.count = 0


class RetryUntilSuccessful(_Loop):
    """BT.CPP's RetryUntilSuccessful: run the child again after a failure, ``num_attempts`` times in all."""

    def __init__(self, name: str, child: behaviour.Behaviour, num_attempts: int) -> None:
        super().__init__(name, child, num_attempts, stop_on=Status.SUCCESS)
        self.num_attempts = num_attempts


class RepeatCycles(_Loop):
    """BT.CPP's Repeat: run the child again after a success, ``num_cycles`` times in all (-1: forever)."""

    def __init__(self, name: str, child: behaviour.Behaviour, num_cycles: int) -> None:
        super().__init__(name, child, num_cycles, stop_on=Status.FAILURE)
        self.num_cycles = num_cycles


class CountingParallel(composites.Composite):
    """BT.CPP's Parallel: tick the unfinished children in order; SUCCESS as soon as ``success_count``
    have succeeded, FAILURE as soon as ``failure_count`` have failed or success is out of reach
    (-1: all children)."""

    def __init__(self, name: str, children: list[behaviour.Behaviour], success_count: int = -1,
                 failure_count: int = 1) -> None:
        super().__init__(name=name, children=children)
        self.success_count, self.failure_count = success_count, failure_count
        self.completed: dict[int, Status] = {}

    def _threshold(self, count: int) -> int:
        return len(self.children) if count < 0 else count

    def tick(self) -> Iterator[behaviour.Behaviour]:
        if self.status != Status.RUNNING:
            self.completed = {}
        self.status = Status.RUNNING
        needed, allowed = self._threshold(self.success_count), self._threshold(self.failure_count)
        for index, child in enumerate(self.children):
            if index not in self.completed:
                yield from child.tick()
                if child.status in (Status.SUCCESS, Status.FAILURE):
                    self.completed[index] = child.status
            successes = sum(status == Status.SUCCESS for status in self.completed.values())
            failures = len(self.completed) - successes
            if successes >= needed:
                self.stop(Status.SUCCESS)
                break
            if len(self.children) - failures < needed or failures == allowed:
                self.stop(Status.FAILURE)
                break
        yield self

    def stop(self, new_status: Status = Status.INVALID) -> None:
        for child in self.children:   # BT.CPP halts the children still running once the parallel decides
            if child.status == Status.RUNNING:
                child.stop(Status.INVALID)
        self.completed = {}
        super().stop(new_status)
