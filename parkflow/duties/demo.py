"""The compliance calendar's ``seed_demo`` step (R-PLT-6): last month's and this month's tasks
in several states — done on time with a note or a file, done late, still open past the due date
(the late rule raises its alert in the sweep that follows the steps), and open ahead of it.

Everything goes through the services; the only step without one — moving last month's
completions back to the day they were done — is a queryset update, audited as demo data (as the
org demo backdates a contact). It draws nothing from the shared random generator, so the other
steps' data stay as they were."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from parkflow.core import audit, clock
from parkflow.core.registry import DemoStep

# Last month, these stay open past their due date (the late rule finds them).
LEFT_LATE = ("risk.monthly_screening",)
# Last month, these were done after their due date.
DONE_LATE = ("monitoring.monthly_statistics",)


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page demo document as a real PDF (ReportLab's built-in CID font; ``invariant``
    keeps the bytes, and so the SHA-256, the same from run to run)."""
    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    width, height = landscape(A5)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    title = str(title)
    pdf.setTitle(title)
    pdf.setFont("STSong-Light", 18)
    pdf.drawCentredString(width / 2, height - 60, title)
    pdf.setFont("STSong-Light", 11)
    for i, line in enumerate([*lines, "本文件由 ParkFlow 演示数据生成。"]):
        pdf.drawString(50, height - 110 - i * 24, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _evidence(task, duty, actor):
    """What the owner hands in: a note where a note counts, else a signed PDF, else the record
    that fulfils the duty; None when there is nothing to hand in (the task stays open)."""
    from .choices import Evidence

    if Evidence.NOTE in duty.evidence:
        return {"note": f"{task.title}：已按期完成，详见部门台账。"}
    if Evidence.FILE in duty.evidence:
        title = str(duty.title)
        content = demo_pdf(title, [task.title, f"截止日期：{task.due_on:%Y年%m月%d日}"])
        upload = SimpleUploadedFile(f"{title}.pdf", content, content_type="application/pdf")
        return {"note": "附件为签字版记录。", "file": upload}
    if duty.link_candidates is not None:
        record = duty.link_candidates(actor, task).first()
        if record is not None:
            return {"link": record}
    return None


def _complete(task, fallback):
    from .declarations import get_duty
    from .services import task_complete

    duty = get_duty(task.duty)
    actor = task.owner or fallback
    evidence = _evidence(task, duty, actor) if duty else None
    if evidence is None:
        return None
    return task_complete(actor=actor, task=task, **evidence)


def _backdate(task, when: datetime.datetime):
    from .models import DutyTask

    DutyTask.objects.filter(pk=task.pk).update(completed_at=when)
    audit.record(
        None,
        "demo.backdate_task",
        task,
        after={"completed_at": when},
        reason="演示数据：模拟上月已完成的合规任务",
    )


def _tasks(ctx):
    from django.utils import timezone

    from .models import DutyTask
    from .services import duty_tasks_generate

    office = ctx.users.get("office")
    if office is None or DutyTask.objects.exists():
        return
    today = clock.today()
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    duty_tasks_generate(today=last_month_end)
    duty_tasks_generate(today=today)
    noon = datetime.time(15, 0)
    for task in DutyTask.objects.filter(due_on__lt=today).order_by("due_on", "pk"):
        if task.duty in LEFT_LATE:
            continue
        done = _complete(task, office)
        if done is None:
            continue
        day = task.due_on + datetime.timedelta(days=3 if task.duty in DONE_LATE else -1)
        day = min(max(day, task.period_start), today - datetime.timedelta(days=1))
        _backdate(done, timezone.make_aware(datetime.datetime.combine(day, noon)))
    # This month: the coordination meeting (first working day) is held; the rest are open.
    for task in DutyTask.objects.filter(
        duty="monitoring.coordination_meeting", due_on__gte=today, period_start__lte=today
    ):
        _complete(task, office)
    ctx.counts["duty_tasks"] = DutyTask.objects.count()
    ctx.out(f"合规任务 / compliance tasks: {ctx.counts['duty_tasks']}")


DEMO_STEPS = [DemoStep("duties.tasks", _tasks, after=("org.people", "org.contacts"))]
