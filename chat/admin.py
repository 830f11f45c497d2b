"""The operator's view of findus: conversations, messages, their results and the jobs behind them.

Job rows are read-only here, because their state belongs to the workers. Staff with the
`chat.rerun_job` permission can re-run jobs (chat/reruns.py), and every re-run is recorded as a
JobRerun. "Token use" adds up what the jobs spent per UTC day, model and learner.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django_celery_results.models import TaskResult

from chat import kinds, spending
from chat.jobs import UNDER_WAY
from chat.models import Conversation, GrammarAnalysis, Job, JobRerun, Message, Review, TokenUse
from chat.reruns import RerunReport, rerun_jobs

RERUN_ACTION = "rerun_selected_jobs"


def task_results_url(task_id: str) -> str:
    """Return the TaskResult changelist filtered to one task id (empty until a worker ran it)."""
    changelist = reverse("admin:django_celery_results_taskresult_changelist")
    return f"{changelist}?{urlencode({'task_id': task_id})}"


def short(text: str, length: int = 120) -> str:
    return Truncator(text).chars(length)


def when(moment: datetime | None) -> str:
    """Return a moment as a short "Dec 2, 06:58", with the full date and time on hover."""
    if moment is None:
        return "-"
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(), formats.date_format(local, "DATETIME_FORMAT"),
        dateformat.format(local, "M j, H:i"),
    )  # fmt: skip


class JobInline(admin.TabularInline):
    model = Job
    fields = ["kind", "state", "attempts", "last_error", "queued_at", "finished_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = [
        "id", "title", "owner", "language", "feedback_language", "level", "state", "created_at",
        "updated_at",
    ]  # fmt: skip
    list_filter = ["state", "language", "feedback_language", "level", "created_at", "ended_at"]
    search_fields = ["title", "owner__username"]
    date_hierarchy = "created_at"
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    inlines = [JobInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "conversation", "role", "text_start", "created_at"]
    list_filter = ["role", "conversation__language", "created_at"]
    search_fields = ["text", "conversation__title", "conversation__owner__username"]
    date_hierarchy = "created_at"
    list_select_related = ["conversation__owner"]
    raw_id_fields = ["conversation", "in_reply_to"]

    @admin.display(description="Text")
    def text_start(self, message: Message) -> str:
        return short(message.text, 80)


@admin.register(GrammarAnalysis)
class GrammarAnalysisAdmin(admin.ModelAdmin):
    list_display = ["id", "message", "issue_count", "summary", "created_at"]
    list_filter = ["message__conversation__language", "created_at"]
    search_fields = ["summary", "message__text", "message__conversation__owner__username"]
    date_hierarchy = "created_at"
    raw_id_fields = ["message"]

    @admin.display(description="Issues")
    def issue_count(self, analysis: GrammarAnalysis) -> int:
        return len(analysis.issues)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["id", "conversation", "estimated_level", "created_at"]
    list_filter = ["estimated_level", "conversation__language", "created_at"]
    search_fields = ["markdown", "conversation__title", "conversation__owner__username"]
    date_hierarchy = "created_at"
    list_select_related = ["conversation__owner"]
    raw_id_fields = ["conversation"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Jobs, newest first, in columns that fit a 1280 px screen (chat/static/chat/admin-jobs.css).

    A job is the workers' record of what happened: nobody edits one, and it is deleted only
    with its conversation or its learner.
    """

    list_display = [
        "id", "kind", "state", "attempts_display", "error", "conversation_display", "model_used",
        "queued", "finished", "task_link",
    ]  # fmt: skip
    list_filter = ["state", "kind", "conversation__language", "queued_at", "finished_at"]
    search_fields = [
        "=id", "celery_task_id", "last_error", "conversation__title", "owner__username",
    ]  # fmt: skip
    date_hierarchy = "queued_at"
    ordering = ["-id"]
    list_select_related = ["conversation", "owner"]
    actions = [RERUN_ACTION]
    readonly_fields = [
        "kind", "state", "attempts_display", "last_error", "owner", "conversation", "message",
        "celery_task_id", "task_result", "reruns_list", "model_name", "worker", "heartbeat_at",
        "input_tokens", "output_tokens", "queued_at", "started_at", "finished_at",
    ]  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # Jobs come from learners' messages, never from the admin.

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # Their state belongs to the workers; a re-run is the way to change it.

    # Deleting a conversation takes its jobs with it, so the permission itself stays; only the
    # ways to delete a job on its own are taken away.
    def get_actions(
        self, request: HttpRequest, action_location=admin.ActionLocation.CHANGE_LIST
    ) -> dict:
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None):
        raise PermissionDenied("A job is deleted with its conversation, never on its own.")

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_delete": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def has_rerun_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("chat.rerun_job")

    @admin.display(description="Attempts", ordering="attempts")
    def attempts_display(self, job: Job) -> str:
        if not job.run_started_at_attempt:
            return str(job.attempts)
        return f"{job.attempts} ({job.attempts_this_run} in this run)"

    @admin.display(description="Error")
    def error(self, job: Job) -> str:
        return short(job.last_error, 90)

    @admin.display(description="Conversation", ordering="conversation")
    def conversation_display(self, job: Job) -> str:
        conversation = job.conversation
        if conversation is None:  # an export, say: the learner's own job
            return f"{job.owner}"
        return f"#{conversation.pk} {conversation.language}, {job.owner}"

    @admin.display(description="Model", ordering="model_name")
    def model_used(self, job: Job) -> str:
        return job.model_name

    @admin.display(description="Queued", ordering="queued_at")
    def queued(self, job: Job) -> str:
        return when(job.queued_at)

    @admin.display(description="Finished", ordering="finished_at")
    def finished(self, job: Job) -> str:
        return when(job.finished_at)

    @admin.display(description="Task")
    def task_link(self, job: Job) -> str:
        if not job.celery_task_id:
            return ""
        return format_html(
            '<a href="{}">{}…</a>', task_results_url(job.celery_task_id), job.celery_task_id[:8]
        )

    @admin.display(description="Task result")
    def task_result(self, job: Job) -> str:
        result = TaskResult.objects.filter(task_id=job.celery_task_id).first()
        if result is None:
            return "None yet: no worker has run the current task."
        url = reverse("admin:django_celery_results_taskresult_change", args=[result.pk])
        return format_html('<a href="{}">{} ({})</a>', url, result.status, result.task_name)

    @admin.display(description="Re-runs")
    def reruns_list(self, job: Job) -> str:
        reruns = job.reruns.all()
        if not reruns:
            return "None."
        return format_html_join(
            "\n",
            "<div>{} by {}. Origin: {}. Was {} after {} attempt(s). {}</div>",
            (
                (r.at, r.by_name, r.get_via_display(), r.previous_state, r.previous_attempts,
                 short(r.previous_error))
                for r in reruns
            ),
        )  # fmt: skip

    # --- Re-running

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        # Without this, Django drops an action the user may not run and answers with a redirect;
        # a refused re-run should say so plainly.
        if request.method == "POST" and _posted_action(request) == RERUN_ACTION:
            self._check_rerun_permission(request)
        # The list needs the width: on a 1280 px screen the admin's app menu would push the
        # task column out of view. The breadcrumbs still lead back.
        extra_context = {**(extra_context or {}), "is_nav_sidebar_enabled": False}
        return super().changelist_view(request, extra_context)

    @admin.action(description="Re-run selected jobs", permissions=["rerun"])
    def rerun_selected_jobs(self, request: HttpRequest, queryset: QuerySet[Job]):
        jobs = list(queryset.select_related("conversation").order_by("id"))
        confirmed = request.POST.get("confirmed") == "yes"
        if not confirmed and any(job.state == Job.State.SUCCEEDED for job in jobs):
            return self._confirm_rerun(request, jobs)
        report = rerun_jobs(jobs=jobs, by=request.user, include_succeeded=confirmed)
        self._tell(request, report)
        return None

    def _confirm_rerun(self, request: HttpRequest, jobs: list[Job]) -> TemplateResponse:
        """Ask before re-running succeeded jobs: their results get replaced."""
        context = {
            **self.admin_site.each_context(request),
            "title": "Re-run jobs?",
            "opts": self.model._meta,
            "jobs": jobs,
            "succeeded": [job for job in jobs if job.state == Job.State.SUCCEEDED],
            "failed": [job for job in jobs if job.state == Job.State.FAILED],
            "under_way": [job for job in jobs if job.state in UNDER_WAY],
            "action": RERUN_ACTION,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/chat/job/rerun_confirmation.html", context)

    def get_urls(self):
        failed = path(
            "failed/", self.admin_site.admin_view(self.failed_jobs_view), name="chat_job_failed"
        )
        return [failed, *super().get_urls()]

    def failed_jobs_view(self, request: HttpRequest) -> HttpResponse:
        """Show how many jobs of each kind failed, with a button to re-run them."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        failed = Job.objects.filter(state=Job.State.FAILED)
        if request.method == "POST":
            self._check_rerun_permission(request)
            kind = request.POST.get("kind", "")
            if kind and kind not in kinds.names():
                return HttpResponseBadRequest(f"Unknown job kind {kind!r}.")
            report = rerun_jobs(jobs=failed.filter(kind=kind) if kind else failed, by=request.user)
            self._tell(request, report)
            return HttpResponseRedirect(request.path)
        counts = {
            row["kind"]: row
            for row in failed.values("kind").annotate(count=Count("id"), latest=Max("finished_at"))
        }
        changelist = reverse("admin:chat_job_changelist")
        per_kind = [
            {
                "kind": kind,
                "label": label,
                "count": counts.get(kind, {}).get("count", 0),
                "latest": counts.get(kind, {}).get("latest"),
                "url": f"{changelist}?{urlencode({'state__exact': 'failed', 'kind__exact': kind})}",
            }
            for kind, label in kinds.choices()
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Failed jobs",
            "opts": self.model._meta,
            "kinds": per_kind,
            "total": sum(row["count"] for row in per_kind),
            "recent": failed.select_related("conversation").order_by("-finished_at")[:20],
            "can_rerun": self.has_rerun_permission(request),
        }
        return TemplateResponse(request, "admin/chat/job/failed_jobs.html", context)

    def _check_rerun_permission(self, request: HttpRequest) -> None:
        if not self.has_rerun_permission(request):
            raise PermissionDenied("Re-running jobs needs the chat.rerun_job permission.")

    def _tell(self, request: HttpRequest, report: RerunReport) -> None:
        if report.rerun:
            ids = ", ".join(f"#{rerun.job_id}" for rerun in report.rerun)
            self.message_user(
                request,
                f"Re-ran {len(report.rerun)} job(s): {ids}. Each has a new task; its previous "
                "result or error stays until the new run finishes.",
                messages.SUCCESS,
            )
        if report.under_way:
            ids = ", ".join(f"#{job.pk}" for job in report.under_way)
            self.message_user(
                request, f"Skipped {len(report.under_way)} job(s) still queued or running: {ids}.",
                messages.WARNING,
            )  # fmt: skip
        if report.succeeded:
            ids = ", ".join(f"#{job.pk}" for job in report.succeeded)
            self.message_user(
                request, f"Skipped {len(report.succeeded)} succeeded job(s): {ids}.",
                messages.WARNING,
            )  # fmt: skip
        if not (report.rerun or report.under_way or report.succeeded):
            self.message_user(request, "There was nothing to re-run.", messages.INFO)


def _posted_action(request: HttpRequest) -> str:
    """Return the action whose button was pushed, as Django's response_action picks it."""
    actions = request.POST.getlist("action")
    try:
        return actions[int(request.POST.get("index", 0))]
    except (ValueError, IndexError):
        return ""


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin of records nobody may add, change or delete from here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(JobRerun)
class JobRerunAdmin(ReadOnlyAdmin):
    """The record of re-runs: read-only, so it can be trusted."""

    list_display = [
        "at", "job", "by_name", "origin", "previous_state", "previous_attempts", "error",
        "previous_task", "new_task_id",
    ]  # fmt: skip
    list_filter = ["via", "previous_state", "job__kind", "at"]
    search_fields = ["=job__id", "by_name", "previous_error", "previous_task_id", "new_task_id"]
    date_hierarchy = "at"
    list_select_related = ["job"]

    @admin.display(description="Origin", ordering="via")
    def origin(self, rerun: JobRerun) -> str:
        """Return where the re-run was asked for: the admin, the shell, or another origin."""
        return rerun.get_via_display()

    @admin.display(description="Previous error")
    def error(self, rerun: JobRerun) -> str:
        return short(rerun.previous_error)

    @admin.display(description="Previous task")
    def previous_task(self, rerun: JobRerun) -> str:
        if not rerun.previous_task_id:
            return ""
        return format_html(
            '<a href="{}">{}…</a>',
            task_results_url(rerun.previous_task_id),
            rerun.previous_task_id[:8],
        )


@admin.register(TokenUse)
class TokenUseAdmin(ReadOnlyAdmin):
    """Tokens per UTC day, model and learner, added up from the Job rows: read-only.

    Whoever may see jobs may see this; it has one page, the list, and no rows of its own.
    """

    ROWS_PER_PAGE = 100

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("chat.view_job")

    def get_urls(self):
        view = self.admin_site.admin_view(self.changelist_view)
        return [path("", view, name="chat_tokenuse_changelist")]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        try:
            day = date.fromisoformat(request.GET["day"]) if request.GET.get("day") else None
        except ValueError:
            return HttpResponseBadRequest("The day must be a date like 2030-01-31.")
        model_name = request.GET.get("model", "")
        rows = spending.token_use(day=day, model_name=model_name)
        page = Paginator(rows, self.ROWS_PER_PAGE).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "title": "Token use",
            "opts": self.model._meta,
            "page": page,
            "day": day,
            "model_name": model_name,
            "models": spending.models_used(),
            "filtered": day is not None or bool(model_name),
        }
        return TemplateResponse(request, "admin/chat/tokenuse/token_use.html", context)
