"""What a learner is told when an answer is late or could not be made, in their feedback language.

The technical reason (a job's last_error) is for admins; a learner gets a plain sentence that
says what happened, that nothing they wrote is lost, and what they can do.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from chat.models import Job

# After this long without an answer, the page says it is taking longer than usual.
SLOW_AFTER_SECONDS = 15


@dataclass(frozen=True)
class LearnerTexts:
    analysis_failed: str
    reply_failed: str
    review_failed: str
    try_again: str
    slow: str
    slow_review: str
    # Shown in place of a correction that removes the words.
    remove: str
    # Any other job that failed (an export, new exercises).
    other_failed: str


TEXTS: dict[str, LearnerTexts] = {
    "en": LearnerTexts(
        analysis_failed="The grammar check did not work this time. Your message is saved.",
        reply_failed="Your tutor could not answer this time. Your message is saved.",
        review_failed="The review could not be written this time.",
        try_again="Try again",
        slow="This is taking longer than usual. Your message is saved; the answer will appear "
        "here as soon as it is ready.",
        slow_review="The review is taking longer than usual. It will appear here as soon as it "
        "is ready; you can also come back later.",
        remove="(remove)",
        other_failed="This could not be done this time. Nothing you wrote is lost.",
    ),
    "es": LearnerTexts(
        analysis_failed="La revisión gramatical no ha funcionado esta vez. Tu mensaje está "
        "guardado.",
        reply_failed="Tu tutor no ha podido responder esta vez. Tu mensaje está guardado.",
        review_failed="No se ha podido escribir el informe esta vez.",
        try_again="Volver a intentarlo",
        slow="Esto está tardando más de lo normal. Tu mensaje está guardado; la respuesta "
        "aparecerá aquí en cuanto esté lista.",
        slow_review="El informe está tardando más de lo normal. Aparecerá aquí en cuanto esté "
        "listo; también puedes volver más tarde.",
        remove="(quitar)",
        other_failed="Esto no se ha podido hacer esta vez. No se ha perdido nada "
        "de lo que escribiste.",
    ),
    "de": LearnerTexts(
        analysis_failed="Die Grammatikprüfung hat diesmal nicht geklappt. Deine Nachricht ist "
        "gespeichert.",
        reply_failed="Dein Tutor konnte diesmal nicht antworten. Deine Nachricht ist gespeichert.",
        review_failed="Die Auswertung konnte diesmal nicht geschrieben werden.",
        try_again="Erneut versuchen",
        slow="Das dauert länger als üblich. Deine Nachricht ist gespeichert; die Antwort "
        "erscheint hier, sobald sie fertig ist.",
        slow_review="Die Auswertung dauert länger als üblich. Sie erscheint hier, sobald sie "
        "fertig ist; du kannst auch später wiederkommen.",
        remove="(streichen)",
        other_failed="Das hat diesmal nicht geklappt. Nichts von dem, was du "
        "geschrieben hast, ist verloren.",
    ),
    "fr": LearnerTexts(
        analysis_failed="La vérification grammaticale n'a pas fonctionné cette fois-ci. Ton "
        "message est enregistré.",
        reply_failed="Ton tuteur n'a pas pu répondre cette fois-ci. Ton message est enregistré.",
        review_failed="Le bilan n'a pas pu être rédigé cette fois-ci.",
        try_again="Réessayer",
        slow="Cela prend plus de temps que d'habitude. Ton message est enregistré\u00a0; la "
        "réponse apparaîtra ici dès qu'elle sera prête.",
        slow_review="Le bilan prend plus de temps que d'habitude. Il apparaîtra ici dès qu'il "
        "sera prêt\u00a0; tu peux aussi revenir plus tard.",
        remove="(supprimer)",
        other_failed="Cela n'a pas pu être fait cette fois-ci. Rien de ce que tu "
        "as écrit n'est perdu.",
    ),
    "it": LearnerTexts(
        analysis_failed="Il controllo grammaticale non ha funzionato questa volta. Il tuo "
        "messaggio è salvato.",
        reply_failed="Il tuo tutor non è riuscito a rispondere questa volta. Il tuo messaggio è "
        "salvato.",
        review_failed="Non è stato possibile scrivere il resoconto questa volta.",
        try_again="Riprova",
        slow="Ci sta mettendo più del solito. Il tuo messaggio è salvato; la risposta apparirà "
        "qui appena sarà pronta.",
        slow_review="Il resoconto sta richiedendo più tempo del solito. Apparirà qui appena "
        "sarà pronto; puoi anche tornare più tardi.",
        remove="(togliere)",
        other_failed="Questa volta non è stato possibile farlo. Niente di ciò che "
        "hai scritto è andato perso.",
    ),
    "pt": LearnerTexts(
        analysis_failed="A verificação gramatical não funcionou desta vez. Sua mensagem foi salva.",
        reply_failed="Seu tutor não conseguiu responder desta vez. Sua mensagem foi salva.",
        review_failed="Não foi possível escrever o resumo desta vez.",
        try_again="Tentar de novo",
        slow="Isto está demorando mais do que o normal. Sua mensagem foi salva; a resposta "
        "aparecerá aqui assim que estiver pronta.",
        slow_review="O resumo está demorando mais do que o normal. Ele aparecerá aqui assim que "
        "estiver pronto; você também pode voltar mais tarde.",
        remove="(retirar)",
        other_failed="Desta vez não foi possível fazê-lo. Nada do que escreveste se perdeu.",
    ),
}


def texts_in(feedback_language: str) -> LearnerTexts:
    """Return the learner texts in a feedback language (English for one findus lacks)."""
    return TEXTS.get(feedback_language, TEXTS["en"])


def failure_of(job: Job) -> str:
    """Return what a learner is told about a failed job, in its conversation's feedback
    language ("" for a job that has not failed). Needs the job's conversation loaded."""
    if job.state != Job.State.FAILED:
        return ""
    conversation = job.conversation
    texts = texts_in(conversation.feedback_language if conversation else "en")
    by_kind = {
        "analysis": texts.analysis_failed,
        "reply": texts.reply_failed,
        "review": texts.review_failed,
    }
    return by_kind.get(job.kind, texts.other_failed)


def seconds_waited(job: Job) -> int:
    """Return how long the job's current attempt has waited since it was queued."""
    return max(0, int((timezone.now() - job.queued_at).total_seconds()))
