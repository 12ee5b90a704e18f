"""The service desk (SPEC §4, R-SVC-1 …; Art.13, Art.20(一)3): service requests — 报修, 咨询,
企业服务 — under working-time SLA clocks per category and customer grade, owned by their first
responder (首问负责制) until closed or until a transfer is accepted, confirmed and rated by the
enterprise or closed by itself after N working days."""
