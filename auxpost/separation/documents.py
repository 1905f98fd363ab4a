"""§5.2.4/§11 The separation's printable document: 解除劳动合同通知书 / 终止劳动合同通知书, issued by the HR
company (the legal employer) once it has ended the contract: the member, the contract, the ground with its
legal basis quoted, the last day, the items to return and (Art. 40) the notice or the month's pay.

Builders take model instances and return PDF bytes; access and the audit log are the view's business.
Wording is fixed Chinese (see ``auxpost.core.pdf``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from reportlab.platypus import Flowable, Spacer

from auxpost.core import pdf
from auxpost.core.pdf import BLANK, date_cn, para
from auxpost.people.rules import mask_id_number
from auxpost.separation import rules
from auxpost.separation.models import SeparationCase

#: States in which the notice exists (the HR company has ended the contract).
NOTICE_STATES = (rules.EXECUTED, rules.RETURNED, rules.ARCHIVED)


def title_of(case: SeparationCase) -> str:
    g = rules.GROUNDS[case.ground]
    return "终止劳动合同通知书" if g.kind == rules.TERMINATION else "解除劳动合同通知书"


def notice_pdf(*, case: SeparationCase, contract, employer: str, user_unit: str, show_id_number: bool,
               printed_on: dt.date) -> bytes:
    """§5.2.4 the notice ending the member's dispatch contract (see the module docstring)."""
    g = rules.GROUNDS[case.ground]
    m = case.member
    title = title_of(case)
    verb = "终止" if g.kind == rules.TERMINATION else "解除"
    id_number = m.id_number if show_id_number else mask_id_number(m.id_number)
    contract_text = (f"你与本公司于{date_cn(contract.start_date)}签订的劳动合同（合同编号：{contract.number}）"
                     if contract is not None else "你与本公司签订的劳动合同")
    if case.ground == rules.RESIGNATION:
        body = (f"你于{date_cn(case.proposed_on)}以书面形式提出辞职。依据{g.article}“{g.text}”的规定，"
                f"{contract_text}于{date_cn(case.last_day)}解除。")
    else:
        body = (f"因{g.label}，依据{g.article}“{g.text}”的规定，本公司决定{contract_text}"
                f"自{date_cn(case.last_day)}起{verb}。")
    story: list[Flowable] = [
        para(title, "title"),
        para(f"{m.name}（身份证号：{id_number}）：", "plain"),
        para(body, "body"),
    ]
    if case.ground == rules.ART40_UNFIT:
        story.append(para("本公司已按《劳动合同法》第四十条规定额外支付你一个月工资。" if case.pay_in_lieu else
                          f"本公司已于{date_cn(case.executed_on)}提前三十日以书面形式通知你本人。", "body"))
    story.append(para(f"请于{date_cn(case.last_day)}前向本公司或所在中队交还"
                      f"{'、'.join(rules.ITEM_LABEL[i] for i in rules.ITEMS)}，并办理工作交接。"
                      "本公司将依法为你出具解除或者终止劳动合同的证明，并在十五日内为你办理档案和社会保险关系转移手续。",
                      "body"))
    story.append(Spacer(1, 4 * pdf.mm))
    story.append(pdf.kv_table([
        ("姓名", m.name), ("用工单位", user_unit), ("所在单位", m.unit.name), ("最后工作日", date_cn(case.last_day)),
        ("解聘事由", g.label), ("法律依据", g.article), ("提出日期", date_cn(case.proposed_on)),
        ("审核日期", date_cn(case.reviewed_on) if case.reviewed_on else BLANK),
    ]))
    story.append(pdf.signature_block(employer, case.executed_on or printed_on))
    story.append(Spacer(1, 8 * pdf.mm))
    story.append(para("本人已收到本通知书。　　签收人：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日", "plain"))
    info = pdf.DocumentInfo(title=f"{title}（{m.name}）", issuer=employer, issued_on=case.executed_on or printed_on,
                            date_label="通知日期")
    with translation.override("zh-hans"):
        return pdf.build_pdf(story, info)
