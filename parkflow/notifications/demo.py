"""The notifications' ``seed_demo`` step (R-MON-2): every channel set up group-wide but switched
off (the robots point at the loopback's discard port, nowhere real; e-mail would go to the
console backend once switched on), and a welcome message in each demo staff member's inbox.
The demo's reviews and alerts add their own messages through the kernel's signals."""

from parkflow.core.registry import DemoStep

DEMO_ROBOTS = {
    "wecom": "http://127.0.0.1:9/cgi-bin/webhook/send?key=demo-not-a-real-key",
    "dingtalk": "http://127.0.0.1:9/robot/send?access_token=demo-not-a-real-token",
    "feishu": "http://127.0.0.1:9/open-apis/bot/v2/hook/demo-not-a-real-hook",
}


def _notifications(ctx):
    from parkflow.core import access

    from . import publish, services
    from .models import ChannelConfig

    admin = ctx.users.get("admin")
    if admin is None or ChannelConfig.objects.exists():
        return
    services.channel_config_save(
        actor=admin, kind="email", enabled=False, name="集团邮件通知", reason="演示数据"
    )
    for kind, url in DEMO_ROBOTS.items():
        services.channel_config_save(
            actor=admin,
            kind=kind,
            enabled=False,
            name="集团运营群（演示，未启用）",
            webhook_url=url,
            secret="SECdemo-not-a-real-secret" if kind != "wecom" else None,
            reason="演示数据",
        )
    staff = [u for u in ctx.users.values() if not access.is_enterprise_user(u)]
    publish(
        "notifications.welcome",
        recipients=staff,
        park=None,
        title="欢迎使用消息中心",
        body="审查待办、审查结论、预警与任务到期提醒都会送到这里；"
        "在“我的订阅”中可选择同时通过电子邮件或群机器人提醒。",
        link="/notifications/subscriptions/",
    )


DEMO_STEPS = [DemoStep("notifications.channels", _notifications, after=("org.people",))]
