"""Deployment checks of the audit trail's protection (``manage.py check --deploy``, D18).

The database triggers that keep the audit table append-only bind every role except the table's
owner and superusers, who can disable or drop them. So the web and worker processes must connect
as a role that is neither (docs/deployment.md, "数据库角色"); and the digests that anchor the chain
outside the database need a key that is not in the database.
"""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError, connection

AUDIT_TABLE = "core_auditevent"


def _role_facts():
    """(role, is superuser, owns or may act as the owner of the audit table or its schema)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT current_user,
                   (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
                   pg_has_role(current_user, c.relowner, 'MEMBER'),
                   pg_has_role(current_user, n.nspowner, 'MEMBER')
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.oid = to_regclass(%s)
            """,
            [AUDIT_TABLE],
        )
        return cursor.fetchone()


@register(Tags.security, deploy=True)
def audit_database_role(app_configs=None, **kwargs):
    if connection.vendor != "postgresql":
        return []
    try:
        facts = _role_facts()
    except DatabaseError:
        return []  # the database is unreachable or not migrated: other checks say so
    if facts is None:
        return []
    role, is_superuser, owns_table, owns_schema = facts
    warnings = []
    if is_superuser:
        warnings.append(
            Warning(
                f"数据库角色 {role} 是超级用户：它可以关闭审计表的触发器并清空或改写审计链。",
                hint="web 与 worker 使用只有所需权限的运行角色；超级用户只用于运维"
                "（docs/deployment.md “数据库角色”）。",
                id="parkflow.W001",
            )
        )
    if owns_table or owns_schema:
        what = "审计表" if owns_table else "审计表所在的 schema"
        warnings.append(
            Warning(
                f"数据库角色 {role} 拥有（或可以切换为）{what}的属主：它可以禁用或删除触发器。",
                hint="迁移用属主角色的 DATABASE_URL 运行，web 与 worker 用不是属主的运行角色"
                "（docs/deployment.md “数据库角色”）。",
                id="parkflow.W002",
            )
        )
    return warnings


@register(Tags.security, deploy=True)
def audit_digest_key(app_configs=None, **kwargs):
    from django.conf import settings

    from .audit_digest import MIN_KEY_LENGTH, key_configured

    key = settings.PARKFLOW_AUDIT_DIGEST_KEY
    if key and len(key) < MIN_KEY_LENGTH:
        return [
            Warning(
                f"审计摘要密钥 PARKFLOW_AUDIT_DIGEST_KEY 太短（少于 {MIN_KEY_LENGTH} 个字符），可以被猜出。",
                hint="用 python3 -c 'import secrets; print(secrets.token_hex(32))' 生成。",
                id="parkflow.W004",
            )
        ]
    if key_configured():
        return []
    return [
        Warning(
            "没有配置审计摘要密钥：哈希链没有锚定到数据库之外，清空、截尾或重算整条链都无法发现。",
            hint="设置 PARKFLOW_AUDIT_DIGEST_KEY（32 字节以上的随机值，保存在数据库之外），"
            "或运行一次 manage.py write_audit_digest 生成 var/ 下的密钥文件。",
            id="parkflow.W003",
        )
    ]
