"""Every sentence of the deck, in Brazilian Portuguese (the audience) and English.

Templates use ``str.format`` fields filled with the computed figures; a missing key in
one language is a KeyError at build time, never a slide in the wrong language.
"""

from __future__ import annotations

from typing import Any

LANGS = ("pt", "en")

PT: dict[str, str] = {
    "title": "ouchhungry_dp: produtos de dados e monitoramento da plataforma",
    "subtitle": "Entrega do estágio 1: solução de monitoramento, plano de otimização de custos, "
    "orquestração e alertas. Gerado em {built} UTC a partir de docs/architecture.md e de "
    "execuções reais da plataforma.",
    "arch_title": "Arquitetura: da origem ao parceiro, com alertas",
    "arch_1": "Partições diárias às {daily_at} ({timezone}) para o dia anterior; produtos "
    "mensais no dia 1; um parceiro é um arquivo de contrato, não código.",
    "arch_2": "LGPD: pseudônimos com chave por parceiro, cidades pequenas agregadas; checks "
    "bloqueiam dados ruins antes de chegarem ao parceiro.",
    "arch_3": "Datasets do Power BI atualizam quando os produtos que leem chegam; toda falha "
    "chega ao time de dados uma vez por incidente.",
    "diagram_footer": "Diagrama desenhado a partir do Mermaid em docs/architecture.md.",
    "pipeline_title": "Estágio 1: o pipeline de monitoramento",
    "monitoring_title": "Solução de monitoramento",
    "mon_powerbi": "Power BI: {n} datasets acompanhados de hora em hora; taxa de sucesso média "
    "de {success:.0%}; MTTR {mttr:.0f} min; {stale} desatualizado(s) agora.",
    "mon_auto": "Auto-refresh com dados novos: {triggered} atualizações na manhã simulada, "
    "{retried} falha(s) transitória(s) repetida(s), {alerts} alerta(s).",
    "mon_bq": "BigQuery: reserva dimensionada pela demanda horária de slots; a proposta "
    "economiza US$ {saving:,.0f}/mês frente a só autoscale.",
    "mon_dagster": "Dagster: fila de execuções reproduzida para dimensionar "
    "max_concurrent_runs {runs} (espera p95 de {wait} min).",
    "mon_products": "Produtos de dados: checks pandera e guardrails, recibos de entrega, SLA "
    "com checks de frescor na UI; toda falha gera um e-mail ao time, agrupado por incidente.",
    "figures": "Números",
    "label_health": "saúde do Power BI",
    "label_morning": "manhã de auto-refresh",
    "label_slots": "demanda de slots",
    "label_queue": "fila de execuções",
    "health_title": "Saúde das atualizações do Power BI",
    "auto_title": "Auto-refresh: por evento, com orçamento e classificação",
    "auto_1": "Gatilho: nova materialização de um asset que o dataset lê (datasets.yaml); "
    "várias entre dois ticks geram uma só atualização.",
    "auto_2": "Nossa atualização é seguida pelo request id: uma atualização agendada "
    "concorrente nunca é confundida com a nossa; enquanto alguma roda, esperamos.",
    "auto_3": "Orçamento: atualizações nas últimas 24 h ficam abaixo de 8 (shared) / 48 "
    "(premium). Pico simulado: {peaks}.",
    "auto_4": "Transitórias ({causes}): repetidas com backoff exponencial, 3 tentativas.",
    "auto_5": "Permanentes ({causes}, unknown): uma execução de powerbi_refresh_alert que "
    "falha, enviada uma vez por e-mail com o erro e uma dica.",
    "cost_kpi_title": "KPIs de custo de {day}",
    "trend_chart_title": "Custo líquido diário por serviço (US$), 30 dias",
    "trend_chart_y": "US$ por dia",
    "kpi_net": "Custo líquido do dia: US$ {value:,.2f}",
    "kpi_tib": "Custo por TiB lido: US$ {value:,.2f}",
    "kpi_cache": "Taxa de cache: {value:.0%}; varredura sem filtro: {scan:.0%} dos bytes",
    "kpi_coverage": "Custo atribuído (asset, painel, conta): {value:.0%}",
    "anomaly_failed": "Anomalia: custo de US$ {day_cost:,.2f} passou o limite de US$ "
    "{threshold:,.2f} (média + {sigma} desvios) em US$ {excess:,.2f}; o check "
    "daily_cost_anomaly falhou e o time recebeu o alerta.",
    "anomaly_passed": "Sem anomalia: US$ {day_cost:,.2f} dentro do limite de US$ "
    "{threshold:,.2f} (média + {sigma} desvios).",
    "per_asset": "Custo por execução de asset (US$)",
    "per_dashboard": "Custo por painel no dia (US$)",
    "savings_title": "Maiores economias: US$ {total:,.0f} por mês",
    "savings_cols": "Tipo|Alvo|Economia/mês (US$)|Ação",
    "cost_plan_title": "Plano de otimização de custos",
    "plan_res": "Reserva do BigQuery: base de {baseline} slots + autoscale até {autoscale} "
    "(p50 {p50:.0f}, p99 {p99:.0f} slots).",
    "plan_cost": "Esperado US$ {expected:,.0f}/mês contra US$ {alt:,.0f} só com autoscale "
    "(economia de US$ {saving:,.0f}).",
    "plan_refresh": "Atualizar o Power BI quando há dado novo, não por agenda cega: nenhuma "
    "atualização desperdiçada, nenhuma capacidade gasta com dado igual.",
    "plan_savings": "Recomendações da execução de custos: US$ {total:,.0f}/mês, a maior "
    "({kind}) vale US$ {top:,.0f}/mês.",
    "slot_source": "Demanda de slots",
    "scaling_title": "Escala por demanda dos workers do Dagster",
    "scale_1": "Reprodução da fila com {runs} execuções: max_concurrent_runs {limit}, espera "
    "p95 de {wait} min, {nodes} nó(s) no pico.",
    "scale_2": "Custo dos workers ≈ US$ {cost:,.2f}/mês para {hours:,.0f} horas de execução.",
    "scale_3": "Kubernetes: K8sRunLauncher (um pod por execução) + limite do "
    "QueuedRunCoordinator; autoscaling do node pool do GKE, mínimo 0 fora do pico das 06:00.",
    "scale_4": "Cloud Run: webserver e daemon como serviços (mín. 1 instância), execuções "
    "como jobs do Cloud Run com escala a zero.",
    "scale_5": "Proposta semanal em dry run + sensor que repropõe com mais de 5 execuções "
    "na fila; aplicar é uma mudança revisada de Helm / bq.",
    "run_queue": "Fila de execuções",
    "scenarios_title": "Orquestração e alertas por cenário de falha",
    "scenarios_footer": "Tabela de docs/architecture.md (em inglês, como a documentação).",
    "source_warehouse": "warehouse {path} (marts.powerbi_refresh_health)",
    "source_emulator": "simulado (emulador do Power BI)",
    "source_morning": "simulado (emulador do Power BI, 05:00-08:00)",
    "source_slots": "perfil horário simulado (prod: INFORMATION_SCHEMA.JOBS_TIMELINE)",
    "source_queue": "histórico de execuções simulado (prod: execuções da instância Dagster)",
    "health_cols": "dataset|capacidade|último status|taxa de sucesso|MTTR (min)|"
    "transitórias|permanentes|atraso (h)",
    "chart_success": "Taxa de sucesso das atualizações",
    "chart_success_y": "taxa de sucesso (%)",
    "chart_failures": "Falhas no histórico de atualizações",
    "chart_transient": "transitórias (repetidas)",
    "chart_permanent": "permanentes (alertadas)",
    "slot_chart_title": "Demanda de slots por hora vs reserva proposta",
    "slot_chart_x": "hora do dia (America/Sao_Paulo)",
    "slot_chart_y": "slots do BigQuery",
    "slot_mean": "slots médios",
    "slot_p95": "slots p95",
    "slot_baseline": "base proposta",
    "slot_ceiling": "base + autoscale máx.",
}

EN: dict[str, str] = {
    "title": "ouchhungry_dp: data products and platform monitoring",
    "subtitle": "Stage 1 deliverable: monitoring solution, cost-optimisation plan, "
    "orchestration and alerting. Built {built} UTC from docs/architecture.md and real runs "
    "of the platform.",
    "arch_title": "Architecture: source to partner, with alerts",
    "arch_1": "Daily partitions run at {daily_at} ({timezone}) for the previous day; monthly "
    "products on day 1; a partner is a contract file, not code.",
    "arch_2": "LGPD: keyed pseudonyms per partner, small cities folded; checks block bad data "
    "before it reaches a partner.",
    "arch_3": "Power BI datasets refresh when the products they read land; every failure "
    "reaches the data team once per incident.",
    "diagram_footer": "Diagram drawn from the Mermaid source in docs/architecture.md.",
    "pipeline_title": "Stage 1: the monitoring pipeline",
    "monitoring_title": "Monitoring solution",
    "mon_powerbi": "Power BI: {n} datasets watched hourly; success rate {success:.0%} on "
    "average; MTTR {mttr:.0f} min; {stale} stale now.",
    "mon_auto": "Auto-refresh on new warehouse data: {triggered} refreshes started in the "
    "simulated morning, {retried} transient failure(s) retried, {alerts} alert(s).",
    "mon_bq": "BigQuery: reservation sized from hourly slot demand; proposal saves "
    "US$ {saving:,.0f}/month against all-autoscale.",
    "mon_dagster": "Dagster: run queue replayed to size max_concurrent_runs {runs} "
    "(p95 wait {wait} min).",
    "mon_products": "Data products: pandera and guardrail checks, delivery receipts, SLA with "
    "freshness checks in the UI; every failure e-mails the data team once, per incident.",
    "figures": "Figures",
    "label_health": "Power BI health",
    "label_morning": "auto-refresh morning",
    "label_slots": "slot demand",
    "label_queue": "run queue",
    "health_title": "Power BI refresh health",
    "auto_title": "Auto-refresh: event-driven, budgeted, classified",
    "auto_1": "Trigger: a new materialization of an asset the dataset reads (datasets.yaml); "
    "several landing between ticks give one refresh.",
    "auto_2": "Our refresh is followed by its request id: a concurrent scheduled refresh is "
    "never taken for ours; while any refresh runs, we wait.",
    "auto_3": "Budget: refreshes started in the trailing 24 h stay below 8 (shared) / 48 "
    "(premium). Simulated peak use: {peaks}.",
    "auto_4": "Transient ({causes}): retried with exponential backoff, 3 attempts.",
    "auto_5": "Permanent ({causes}, unknown): one failing powerbi_refresh_alert run, e-mailed "
    "once with the error and a hint.",
    "cost_kpi_title": "Cost KPIs of {day}",
    "trend_chart_title": "Daily net cost by service (US$), 30 days",
    "trend_chart_y": "US$ per day",
    "kpi_net": "Net cost of the day: US$ {value:,.2f}",
    "kpi_tib": "Cost per TiB scanned: US$ {value:,.2f}",
    "kpi_cache": "Cache hit rate: {value:.0%}; unfiltered scans: {scan:.0%} of bytes",
    "kpi_coverage": "Cost attributed (asset, dashboard, account): {value:.0%}",
    "anomaly_failed": "Anomaly: US$ {day_cost:,.2f} was US$ {excess:,.2f} above the "
    "threshold US$ {threshold:,.2f} (mean + {sigma} sigma); daily_cost_anomaly failed and "
    "the data team was alerted.",
    "anomaly_passed": "No anomaly: US$ {day_cost:,.2f} within the threshold US$ "
    "{threshold:,.2f} (mean + {sigma} sigma).",
    "per_asset": "Cost per asset run (US$)",
    "per_dashboard": "Cost per dashboard that day (US$)",
    "savings_title": "Top savings: US$ {total:,.0f} per month",
    "savings_cols": "Kind|Target|Saving/month (US$)|Action",
    "cost_plan_title": "Cost-optimisation plan",
    "plan_res": "BigQuery reservation: baseline {baseline} slots + autoscale up to "
    "{autoscale} (p50 {p50:.0f}, p99 {p99:.0f} slots).",
    "plan_cost": "Expected US$ {expected:,.0f}/month vs US$ {alt:,.0f} all-autoscale "
    "(saves US$ {saving:,.0f}).",
    "plan_refresh": "Refresh Power BI on new data instead of blind schedules: no wasted "
    "refreshes, no capacity spent on unchanged data.",
    "plan_savings": "Recommendations of the cost run: US$ {total:,.0f}/month, the largest "
    "({kind}) worth US$ {top:,.0f}/month.",
    "slot_source": "Slot demand",
    "scaling_title": "Demand-driven scaling of Dagster run workers",
    "scale_1": "Run queue replay over {runs} runs: max_concurrent_runs {limit}, p95 queue "
    "wait {wait} min, {nodes} worker node(s) at peak.",
    "scale_2": "Worker cost ≈ US$ {cost:,.2f}/month for {hours:,.0f} run-hours.",
    "scale_3": "Kubernetes: K8sRunLauncher (one pod per run) + QueuedRunCoordinator limit; "
    "GKE node-pool autoscaling on pending pods, min 0 outside the 06:00 burst.",
    "scale_4": "Cloud Run: webserver and daemon as services (min 1 instance), runs as Cloud "
    "Run jobs scaling to zero.",
    "scale_5": "Weekly dry-run proposal + a sensor that re-proposes when > 5 runs are queued; "
    "applying is a reviewed Helm / bq change.",
    "run_queue": "Run queue",
    "scenarios_title": "Orchestration and alerting per failure scenario",
    "scenarios_footer": "Table from docs/architecture.md.",
    "source_warehouse": "warehouse {path} (marts.powerbi_refresh_health)",
    "source_emulator": "simulated (Power BI emulator)",
    "source_morning": "simulated (Power BI emulator, 05:00-08:00)",
    "source_slots": "simulated hourly profile (prod: INFORMATION_SCHEMA.JOBS_TIMELINE)",
    "source_queue": "simulated run history (prod: Dagster instance runs)",
    "health_cols": "dataset|capacity|last status|success rate|MTTR (min)|transient|"
    "permanent|staleness (h)",
    "chart_success": "Refresh success rate",
    "chart_success_y": "success rate (%)",
    "chart_failures": "Failures in the refresh history",
    "chart_transient": "transient (auto-retried)",
    "chart_permanent": "permanent (alerted)",
    "slot_chart_title": "Slot demand by hour vs proposed reservation",
    "slot_chart_x": "hour of day (America/Sao_Paulo)",
    "slot_chart_y": "BigQuery slots",
    "slot_mean": "mean slots",
    "slot_p95": "p95 slots",
    "slot_baseline": "proposed baseline",
    "slot_ceiling": "baseline + autoscale max",
}

TEXTS = {"pt": PT, "en": EN}
if PT.keys() != EN.keys():  # a sentence only one audience would see
    raise RuntimeError(f"deck texts differ: {sorted(PT.keys() ^ EN.keys())}")


# What each recommendation kind asks for, for the Portuguese deck (the monitor writes its
# actions in English, with table names and numbers; the English deck shows those).
KINDS_PT = {
    "pricing_model_break_even": ("Modelo de preço",
                                 "Passar o compute para a edição com autoscale onde compensa"),
    "unfiltered_scan": ("Leitura sem filtro",
                        "Particionar a tabela e exigir filtro de partição"),
    "maximum_bytes_billed_guardrail": ("Limite de bytes",
                                       "Definir maximum_bytes_billed nas consultas do asset"),
    "select_star_wide_table": ("SELECT * em tabela larga",
                               "Ler só as colunas usadas (uma view para o BI)"),
    "cold_table": ("Tabela fria", "Arquivar ou apagar a tabela sem leitura há 90 dias"),
    "dashboard_low_cache_hit": ("Painel sem cache",
                                "Reaproveitar o cache do painel e espaçar as atualizações"),
    "gcs_lifecycle_rule": ("GCS sem ciclo de vida",
                           "Regra de ciclo de vida para Nearline/Coldline"),
}


class _PtNumber(float):
    """A float that formats with Brazilian separators: 5.147,25 for 5,147.25."""

    def __format__(self, spec: str) -> str:
        text = format(float(self), spec)
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


class Texts:
    """``t("key", **figures)``: the sentence in the deck's language, filled in."""

    def __init__(self, lang: str) -> None:
        if lang not in TEXTS:
            raise ValueError(f"language {lang!r}: use one of {LANGS}")
        self.lang = lang
        self._texts = TEXTS[lang]

    def _localised(self, value: Any) -> Any:
        if self.lang == "pt" and isinstance(value, float):
            return _PtNumber(value)
        return value

    def __call__(self, key: str, **values: Any) -> str:
        return self._texts[key].format(**{k: self._localised(v) for k, v in values.items()})

    def number(self, value: float, decimals: int = 2) -> str:
        """A table cell: thousands separated, in the deck's language."""
        return format(self._localised(float(value)), f",.{decimals}f")

    def recommendation(self, kind: str, action: str) -> tuple[str, str]:
        """(kind label, action) as the audience reads them."""
        if self.lang == "pt" and kind in KINDS_PT:
            return KINDS_PT[kind]
        return kind, action
