from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check
from ..analysis.kinds import vanity_term


class VanityKgi(Check):
    """A vanity metric (followers, likes, page views) set as the final goal.

    ## What it checks
    Whether a KGI's id, label or target unit names a vanity metric: followers, likes,
    page views, PV, impressions, フォロワー, いいね, 表示回数, インプレッション, LINE の友だち,
    YouTube のチャンネル登録者, 再生数, … (the list is `vanity-metrics` in the configuration,
    which replaces it, and `extend-vanity-metrics`, which adds to it; matched
    case-insensitively; English words match as whole words, so `like-for-like sales` is not
    a like). A KGI whose target is an
    amount of money (`PV広告収益`, `インプレッション収益`) is a business outcome and is not
    reported.

    ## Why it matters
    The practitioners' first warning: these numbers can grow while the business does not.
    Followers can be bought and page views inflated, and a plan steered by them rewards
    exactly that. They are fine as KPIs for awareness (認知), under a goal that is a
    business outcome.

    ## Fails
    ```kpi
    plan p "SNS計画" { period 2026-04-01 to 2027-03-31 }
    kgi followers "Instagramフォロワー数" {
      target 50,000人
    }
    ```

    ## Passes
    ```kpi
    plan p "SNS計画" { period 2026-04-01 to 2027-03-31 }
    kgi bookings "SNS経由の来店予約数" {
      target 1,200件 per month
    }
    ksf awareness "認知を広げる" { kgi bookings }
    kpi followers "Instagramフォロワー数" {
      ksf awareness
      target 50,000人
    }
    ```

    ## Fix
    Make the business outcome the KGI (revenue, bookings, new customers, contracts) and
    keep the vanity metric as a KPI under an awareness KSF that serves it.
    """

    code = "KPI216"
    name = "vanity-kgi"
    severity = Severity.WARNING
    summary = Msg("A KGI is a vanity metric", "KGI がバニティメトリクス（フォロワー数など）になっている")

    def run(self):
        terms = self.ctx.config.vanity_metrics
        for node in self.ctx.nodes("kgi"):
            if node.target is not None and node.target.value.unit.kind == "currency":
                continue  # money earned from page views or impressions is a business outcome
            unit = node.target.value.unit.code if node.target is not None and node.target.value.unit.kind == "count" else None
            found = None
            for text, span in ((node.id, node.id_span), (node.label, node.label_span),
                               (unit, node.attr_spans.get("target"))):
                term = vanity_term(text, terms)
                if term is not None:
                    found = term, span
                    break
            if found is None:
                continue
            term, span = found
            labels = [] if span == node.id_span else [self.label(span, f"names “{term}”", f"「{term}」を指しています")]
            yield self.diag(
                node.id_span,
                Msg(f"KGI `{node.id}` is a vanity metric ({term}): it can grow while the business does not",
                    f"KGI `{node.id}` は「{term}」を含むため、バニティメトリクスと判断しました。事業が伸びなくても数字だけは伸ばせてしまいます"),
                Msg(f"make a business outcome (revenue, bookings, new customers) the KGI and keep `{node.id}` "
                    "as a KPI under an awareness KSF",
                    f"売上・予約数・新規顧客数など事業の成果を KGI にし、`{node.id}` は認知向上の KSF の下の KPI にしてください"),
                labels,
                primary=Msg("vanity metric as the goal", "バニティメトリクスが最終目標"),
            )
