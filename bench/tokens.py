"""Benchmark 6, tokens per turn: what the tutor is sent as a conversation grows.

    uv run --group bench python -m bench.tokens            # about 3 minutes
    uv run --group bench python -m bench.tokens --smoke    # a few seconds

One learner writes a 60-turn Spanish conversation, one message at a time, each after the
tutor's reply to the one before (as in the app), through findus' own post_message and a real
worker (threads) whose model is bench/fakemodel.py at no latency. The fake model counts each
request's tokens (a word-and-punctuation count of every message and tool schema) and reports
them as usage, so the job rows record what each prompt would cost. Two settings, in one run:

- **findus**: FINDUS_TUTOR_RECENT_TURNS at its default, the recent turns word for word and a
  running summary of the rest (written by summary jobs, whose tokens count too);
- **whole**: FINDUS_TUTOR_RECENT_TURNS=0, the whole conversation with every reply: what findus
  sent before the summaries (the same request, built by the same code, as main before them).

Figures: the reply's input tokens at each turn, turn 60 against turn 10, and the conversation's
input tokens in all (replies and summaries; analyses do not depend on the history and are left
out) against the whole-conversation setting.
"""

from __future__ import annotations

import time
from typing import Any

from bench import harness, plots

TURNS = 60
SENTENCES = [
    "Me llamo Lucía y vivo en Valencia con mi hermana mayor y dos gatos.",
    "Ayer fui al mercado central y compré naranjas, pan y un poco de queso manchego.",
    "Los fines de semana me gusta caminar por la playa cuando no hace mucho viento.",
    "Trabajo en una biblioteca pequeña cerca de la estación de tren.",
    "El mes que viene quiero viajar a Granada para ver la Alhambra con mis amigos.",
    "Mi plato favorito es la paella de verduras que prepara mi abuela los domingos.",
    "Estoy aprendiendo español porque mi pareja es de Sevilla y su familia no habla inglés.",
    "Anoche vi una película muy divertida sobre un perro que quería ser cocinero.",
    "Cuando era niña tocaba el piano, pero ahora prefiero escuchar música en la radio.",
    "¿Tú sabes cuál es la mejor época del año para visitar los Pirineos?",
    "Mañana tengo una entrevista de trabajo y estoy un poco nerviosa.",
    "Mi hermana estudia medicina y siempre tiene exámenes difíciles en junio.",
]


def script(turns: int) -> list[str]:
    """Return the learner's messages: the sentences in turn, each marked with its turn."""
    return [f"{SENTENCES[n % len(SENTENCES)]} ({n + 1})" for n in range(turns)]


def run_conversation(model_url: str, recent_turns: str, turns: int) -> dict[str, Any]:
    """Talk through one conversation with a worker set to `recent_turns`; return its tokens."""
    from django.contrib.auth.models import User
    from django.db import connections

    from chat import services
    from chat.models import Conversation, Job

    connections.close_all()
    harness.reset_database()
    harness.flush_redis()
    env = harness.child_env(OPENAI_BASE_URL=model_url, FINDUS_TUTOR_RECENT_TURNS=recent_turns)
    worker = harness.start_worker(f"tokens-{recent_turns}", pool="threads", concurrency=4, env=env)
    started = time.monotonic()
    try:
        learner = User.objects.create_user(username="lucia")
        conversation = Conversation.objects.create(
            owner=learner, language="es", feedback_language="en", level="B1", title="Charla"
        )
        for text in script(turns):
            message, _ = services.post_message(conversation=conversation, text=text)
            harness.wait_for(
                lambda m=message: Job.objects.filter(
                    message=m, kind="reply", state="succeeded"
                ).exists(),
                timeout=60,
                what=f"the reply to message {message.pk}",
                interval=0.02,
            )
        # The summaries still under way count too.
        harness.wait_for(
            lambda: not Job.objects.exclude(state__in=["succeeded", "failed"]).exists(),
            timeout=60,
            what="the last jobs",
        )
        jobs = Job.objects.filter(conversation=conversation)
        failed = jobs.filter(state="failed").count()
        replies = list(
            jobs.filter(kind="reply").order_by("message_id").values_list("input_tokens", flat=True)
        )
        # A summary job that found its turns folded already asked no model: not counted.
        summaries = list(
            jobs.filter(kind="summary", input_tokens__isnull=False).values_list(
                "input_tokens", "output_tokens"
            )
        )
    finally:
        worker.stop()
    return {
        "recent_turns": recent_turns,
        "turns": turns,
        "seconds": round(time.monotonic() - started, 1),
        "failed_jobs": failed,
        "reply_input_tokens": replies,
        "summary_jobs": len(summaries),
        "summary_input_tokens": sum(i or 0 for i, _ in summaries),
        "summary_output_tokens": sum(o or 0 for _, o in summaries),
        "input_tokens": sum(t or 0 for t in replies) + sum(i or 0 for i, _ in summaries),
    }


def at_turn(run: dict[str, Any], turn: int) -> int:
    return run["reply_input_tokens"][min(turn, len(run["reply_input_tokens"])) - 1]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = harness.arguments(__doc__.split("\n\n")[0]).parse_args(argv)
    turns = 14 if args.smoke else TURNS
    early = 10
    info = harness.machine()
    print(f"tokens per turn: a {turns}-turn conversation, load {info['load_before']}")
    harness.configure_django()
    from django.conf import settings

    model, model_url = harness.start_fakemodel(0.0)
    runs: dict[str, dict[str, Any]] = {}
    try:
        for name, recent in (("findus", str(settings.FINDUS_TUTOR_RECENT_TURNS)), ("whole", "0")):
            runs[name] = run_conversation(model_url, recent, turns)
            run = runs[name]
            print(
                f"  {name:7} (recent turns {recent}): turn {early} {at_turn(run, early)} tokens, "
                f"turn {turns} {at_turn(run, turns)}; in all {run['input_tokens']:,} "
                f"({run['summary_jobs']} summaries: {run['summary_input_tokens']:,} in, "
                f"{run['summary_output_tokens']:,} out); {run['seconds']} s"
            )
    finally:
        model.stop()
    findus, whole = runs["findus"], runs["whole"]
    result = {
        "machine": info,
        "smoke": args.smoke,
        "turns": turns,
        "runs": runs,
        "late_over_early": {
            name: round(at_turn(run, turns) / at_turn(run, early), 2) for name, run in runs.items()
        },
        # The summary is folded in batches, so a turn's tokens rise and fall: the highest.
        "peak_over_early": {
            name: round(max(run["reply_input_tokens"][early:]) / at_turn(run, early), 2)
            for name, run in runs.items()
        },
        "whole_over_findus": round(whole["input_tokens"] / findus["input_tokens"], 2),
        "load_after": harness.load(),
    }
    rows = [
        {
            "setting": name,
            f"turn {early}": at_turn(run, early),
            f"turn {turns}": at_turn(run, turns),
            f"turn {turns} / turn {early}": result["late_over_early"][name],
            f"highest after turn {early} / turn {early}": result["peak_over_early"][name],
            "summaries": run["summary_jobs"],
            "input tokens in all": run["input_tokens"],
            "failed jobs": run["failed_jobs"],
        }
        for name, run in runs.items()
    ]
    print(harness.table(rows, list(rows[0])))
    print(
        f"turn {turns} over turn {early}: {result['late_over_early']['findus']} "
        f"(target ≤ 1.5), at most {result['peak_over_early']['findus']} after turn {early}; "
        f"the whole conversation costs {result['whole_over_findus']}x "
        "the tokens of findus' bounded context"
    )
    harness.write_json(args.results_dir, "tokens", result)
    plots.tokens(result, args.results_dir / "tokens.png")
    return result


if __name__ == "__main__":
    main()
