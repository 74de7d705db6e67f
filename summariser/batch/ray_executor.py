"""The Ray executor: a pool of Ray actors, each holding one loaded ``Summariser``, briefing a batch's items.

    executor = RayExecutor(settings, jobs=4, options=RayOptions(address="auto", actors=8))  # starts the run
    await executor.start()  # joins (or starts a local) Ray, starts the actors, waits until they are warm
    brief = await executor.brief("item-1", article)
    await executor.close()
    executor.finish(status="ok", done=1)

The batch runner stays the driver: it loads each article, checks the manifest, and writes outputs, manifest
lines and ``errors.jsonl`` itself, so the batch guarantees (atomic writes, resume, nothing lost) are the
same as with the local executor. Only the article goes to an actor and only the brief comes back.

- Each actor loads spaCy and the model once (``ready`` warms them before the first item). Local and
  extractive engines brief one item at a time per actor (one CPU each; ``n_threads`` CPUs for a local
  model); remote engines (``openai:``) keep ``jobs`` requests in flight per actor.
- An actor whose process dies (killed, out of memory, node lost) is restarted by Ray (up to
  ``MAX_RESTARTS`` times); the item it was briefing is retried once on another actor, then fails with
  ``WorkerLostError`` (recorded in ``errors.jsonl`` like any failed item). Actors note each item they start
  in a small ``StartLedger`` actor, so an item merely sent to a process that was already dead is sent
  again without counting as an attempt.
- An item that fails inside an actor is re-raised in the driver as the same exception type with the same
  message and hint, so ``errors.jsonl`` reads as it does with the local executor.
- Without an address a local Ray runtime is started (one CPU per core, a small object store) and shut down
  at ``close``; an already initialised Ray (a test session, a notebook) is used as it is and left running.

Needs Ray (``pip install 'summariser[ray]'``); without it ``RayExecutor`` raises ``ConfigError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

from ..backends.registry import OpenBackend, backend_class
from ..errors import ConfigError
from ..load import Article
from ..schema.brief import IncidentBrief
from ..settings import Settings
from ..store.runlog import RunLog
from .executor import WorkerLostError
from .ray_actor import BriefActor, RemoteItemError, StartLedger, SummariserWrapper, error_from

__all__ = ["LOCAL_OBJECT_STORE_BYTES", "MAX_RESTARTS", "RayExecutor", "RayOptions", "RemoteItemError"]

MAX_RESTARTS = 100  # per actor: a process that keeps dying is given up on (its items go to the others)
DEAD_ANSWERS = 10  # "died" answers in a row (0.5 s apart) before an actor counts as gone for good
MAX_SENDS = 8  # submissions of one item that failed before an actor started it, at most
REVIVE_SECONDS = 300.0  # how long a restarting actor may take to come back before it counts as dead
LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024  # articles and briefs are small; the default is 30% of RAM


@dataclass
class RayOptions:
    """Where and how wide: ``address`` ``None`` starts a local runtime, ``"auto"`` joins the cluster this
    machine is part of, ``"ray://HOST:PORT"`` connects a Ray client; ``actors`` ``None``: one per CPU of the
    cluster (per ``n_threads`` CPUs for an in-process model). ``wrap_summariser(summariser)``, if given, wraps
    each actor's ``Summariser`` (tests use it to inject faults)."""

    address: str | None = None
    actors: int | None = None
    wrap_summariser: SummariserWrapper | None = None
    init_kwargs: dict[str, Any] = field(default_factory=dict)


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "--executor ray needs Ray, which is not installed",
            hint="pip install 'summariser[ray]'",
        ) from None
    return ray


class RayExecutor:
    """Briefs on a pool of Ray actors; see the module docstring."""

    def __init__(
        self,
        settings: Settings,
        *,
        jobs: int = 4,
        options: RayOptions | None = None,
        command: str = "batch",
        runlog: RunLog | bool = True,
    ) -> None:
        self.ray = _import_ray()
        self.settings = settings
        self.options = options or RayOptions()
        if self.options.actors is not None and self.options.actors < 1:
            raise ConfigError("--actors must be at least 1")
        model = backend_class(settings.model_spec.engine)  # an unknown model fails here, before Ray starts
        self.per_actor = max(1, jobs) if model is not None and model.concurrent else 1
        in_process = model is not None and not model.concurrent  # a model run by the actor's own threads
        self.cpus_per_actor = float(max(1, settings.n_threads or 1)) if in_process else 1.0
        # the run is this process's (the actors log their calls under it): started here, finished by finish()
        log = runlog if isinstance(runlog, RunLog) else None
        if runlog is True and settings.use_log:
            log = RunLog.for_settings(settings)
        self.run = OpenBackend(None, log)
        if log is not None:
            self.run.run_id = log.start_run(command=command, model=str(settings.model_spec))
        self.run_id = self.run.run_id
        self.actors: list[Any] = []
        self.in_flight: list[int] = []
        self.up: list[bool] = []
        self.dead: list[bool] = []
        self._changed = asyncio.Condition()
        self._revivals: set[asyncio.Task[None]] = set()
        self.slots = self.capacity = self.per_actor
        self.prompt_version = "none"
        self.started_ray = False
        self.ready_info: list[dict[str, Any]] = []
        self.ledger: Any = None
        self._tokens = itertools.count()

    # -- start ----------------------------------------------------------------------------------------------
    def _init_ray(self) -> None:
        ray = self.ray
        if ray.is_initialized():
            return
        kwargs: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "logging_level": logging.ERROR,  # not the token-auth notice of every local start
        }
        if self.options.address is None:
            kwargs |= {"num_cpus": os.cpu_count() or 1, "object_store_memory": LOCAL_OBJECT_STORE_BYTES}
        else:
            kwargs["address"] = self.options.address
        kwargs |= self.options.init_kwargs
        try:
            ray.init(**kwargs)
        except Exception as exc:  # a wrong address, a cluster that is down, a version mismatch
            where = self.options.address or "a local Ray runtime"
            raise ConfigError(
                f"cannot start or reach {where}: {type(exc).__name__}: {exc}",
                hint="check --ray-address (auto, or ray://HOST:PORT) and that the cluster runs",
            ) from None
        self.started_ray = True

    def _actor_count(self) -> int:
        if self.options.actors is not None:
            return self.options.actors
        cpus = float(self.ray.cluster_resources().get("CPU", 1))
        return max(1, int(cpus // self.cpus_per_actor))

    async def start(self) -> None:
        """Start Ray (or join it), start the actors and wait until each has loaded its ``Summariser``."""
        self._init_ray()
        n = self._actor_count()
        actor_class = self.ray.remote(BriefActor).options(
            num_cpus=self.cpus_per_actor,
            max_restarts=MAX_RESTARTS,
            max_task_retries=0,  # the executor retries an item itself, once, on another actor
            max_concurrency=self.per_actor,
        )
        name = f"summariser-ledger-{os.getpid()}-{id(self):x}"
        self.ledger = self.ray.remote(StartLedger).options(num_cpus=0, name=name).remote()
        wrap = self.options.wrap_summariser
        self.actors = [actor_class.remote(self.settings, self.run_id, wrap, name) for _ in range(n)]
        self.in_flight = [0] * n
        self.up, self.dead = [True] * n, [False] * n
        # The driver keeps twice the actors' capacity in hand: while an actor briefs, the driver has already
        # loaded its next item (it waits in _take) and writes the last one, so the actor never idles on the
        # driver. Actors themselves never get more than per_actor items, so a crash takes no bystanders.
        self.capacity = n * self.per_actor
        self.slots = 2 * self.capacity
        self.ready_info = list(await asyncio.gather(*(a.ready.remote() for a in self.actors)))
        for info in self.ready_info:
            if info["error"] is not None:
                error = error_from(info["error"])
                await self.close()
                raise error
        self.prompt_version = self.ready_info[0]["prompt_version"]

    # -- items ----------------------------------------------------------------------------------------------
    async def _take(self, avoid: set[int]) -> int:
        """An actor that is up and has a free slot (preferably not one in ``avoid``); waits for one."""
        async with self._changed:
            while True:
                n = len(self.actors)
                free = [i for i in range(n) if self.up[i] and self.in_flight[i] < self.per_actor]
                if free:
                    i = min(free, key=lambda i: (i in avoid, self.in_flight[i]))
                    self.in_flight[i] += 1
                    return i
                if all(self.dead):
                    raise WorkerLostError(
                        "every Ray actor died and could not be restarted",
                        hint="see the Ray logs (out of memory? the model failing to load?); re-run to resume",
                    )
                await self._changed.wait()

    async def _give_back(self, i: int) -> None:
        async with self._changed:
            self.in_flight[i] -= 1
            self._changed.notify_all()

    def _went_down(self, i: int) -> None:
        """Actor ``i``'s process died: no items go to it until Ray has restarted it and it is warm again."""
        if self.up[i]:
            self.up[i] = False
            task = asyncio.get_running_loop().create_task(self._revive(i))
            self._revivals.add(task)
            task.add_done_callback(self._revivals.discard)

    async def _revive(self, i: int) -> None:
        from ray.exceptions import ActorDiedError, ActorUnavailableError

        deadline = time.monotonic() + REVIVE_SECONDS
        alive, died = False, 0
        while time.monotonic() < deadline:
            try:
                info = await self.actors[i].ready.remote()
            except ActorUnavailableError:  # restarting
                died = 0
                await asyncio.sleep(0.2)
                continue
            except ActorDiedError:  # restarts used up, or Ray has not yet noticed the death: ask again
                died += 1
                if died >= DEAD_ANSWERS:
                    break
                await asyncio.sleep(0.5)
                continue
            alive = info["error"] is None
            break
        async with self._changed:
            self.up[i], self.dead[i] = alive, not alive
            self._changed.notify_all()

    async def brief(self, item_id: str, article: Article) -> IncidentBrief:
        from ray.exceptions import RayActorError, WorkerCrashedError

        if not self.actors:
            raise RuntimeError("RayExecutor.start() was not called")
        tried: set[int] = set()
        lost: BaseException | None = None
        attempts = sent = 0
        while attempts < 2:  # the first try, and one retry on another actor if the process died under it
            if sent >= MAX_SENDS:
                break
            i = await self._take(tried)
            sent += 1
            token = f"{item_id}#{next(self._tokens)}"
            try:
                status, value = await self.actors[i].brief.remote(item_id, article, token)
            except (RayActorError, WorkerCrashedError) as exc:
                self._went_down(i)
                if await self._started(token):  # it was running there, not merely sent to a dead process
                    attempts += 1
                    tried.add(i)
                    lost = exc
                continue
            finally:
                await self._give_back(i)
            if status == "error":
                raise error_from(value)
            brief: IncidentBrief = value
            return brief
        reason = type(lost).__name__ if lost is not None else "unknown"
        raise WorkerLostError(
            f"the Ray worker briefing it died, and again on the retry ({reason})",
            hint="see the Ray logs of the node (out of memory? killed?); re-run the batch to try it again",
        )

    async def _started(self, token: str) -> bool:
        try:
            started: bool = await self.ledger.started.remote(token)
        except Exception:  # no ledger: count it (the item still gets its one retry)
            return True
        return started

    # -- end ------------------------------------------------------------------------------------------------
    def cache_counts(self) -> tuple[int, int] | None:
        """The actors' response-cache hits and misses, summed at ``close`` (None: no cache)."""
        return self._counts

    _counts: tuple[int, int] | None = None

    def finish(self, *, status: str = "ok", done: int = 0, skipped: int = 0, failed: int = 0) -> None:
        self.run.finish(status=status, done=done, skipped=skipped, failed=failed)

    async def close(self) -> None:
        """Collect the actors' cache counts, close their backends, end them (and a runtime we started)."""
        ray, actors = self.ray, self.actors
        self.actors = []
        for task in list(self._revivals):
            task.cancel()
        if actors:
            with contextlib.suppress(Exception):
                counts = await asyncio.wait_for(
                    asyncio.gather(*(a.cache_counts.remote() for a in actors), return_exceptions=True), 30
                )
                pairs = [c for c in counts if isinstance(c, tuple)]
                if pairs:
                    self._counts = (sum(c[0] for c in pairs), sum(c[1] for c in pairs))
            with contextlib.suppress(Exception):
                await asyncio.wait_for(
                    asyncio.gather(*(a.close.remote() for a in actors), return_exceptions=True), 30
                )
            for a in [*actors, self.ledger]:  # graceful exits (ray.kill is reported as a worker that died)
                with contextlib.suppress(Exception):
                    a.__ray_terminate__.remote()
        if self.started_ray:
            self.started_ray = False
            with contextlib.suppress(Exception):
                ray.shutdown()
