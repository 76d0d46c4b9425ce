"""Commitment objectives labelled as a sales coach would; shared by the tests and the bench."""

from dataclasses import dataclass

from app.domain.coaching import Criterion
from app.domain.enums import Stage

DISCOVERY, DEMO, PROPOSAL = Stage.DISCOVERY, Stage.DEMO, Stage.PROPOSAL
NEGOTIATION, CLOSING = Stage.NEGOTIATION, Stage.CLOSING

# The words a case uses to say which criteria it fails.
FAILURE_WORDS = {
    "action": Criterion.CUSTOMER_ACTION,
    "specific": Criterion.SPECIFIC,
    "time": Criterion.TIME_BOUND,
    "who": Criterion.DECISION_MAKER,
    "fit": Criterion.STAGE_FIT,
    "fallback": Criterion.FALLBACK,
}


@dataclass(frozen=True)
class Case:
    objective: str
    stage: Stage | None
    fails: str = ""  # the criteria a coach would fail, e.g. "action time who"
    minimum: str | None = None  # without one, the fallback fails too
    note: str = ""  # why, where a coach's reading is not obvious

    @property
    def expected(self) -> dict[Criterion, bool]:
        failed = {FAILURE_WORDS[word] for word in self.fails.split()}
        if self.minimum is None:
            failed.add(Criterion.FALLBACK)
        return {criterion: criterion not in failed for criterion in Criterion}


LONG_CONTEXT = (
    "Context: last week's demo went well. Dana said the team is frustrated with their current "
    "vendor, the renewal comes up in the spring, and budget seems available, though security "
    "raised questions about data residency and SSO. Raj from IT was quiet but asked about the "
    "API limits twice, and their ops lead wants fewer manual exports. Competitors are in the "
    "picture and pricing will matter. "
)
ACCOUNT_NOTES = (
    " Notes: their current tool is slow, the team has grown from 20 to 45 people this year, and "
    "the reporting module was the part they liked most in the walkthrough."
)
RAMBLE = (
    "We want to learn more about their needs and understand how their process works, build "
    "rapport with the wider group, and explore options for how we might help them going forward. "
)

CASES: tuple[Case, ...] = (
    # Strong, with a named person or role.
    Case("Dana (CFO) agrees to a 30-minute pricing review on Tuesday", PROPOSAL),
    Case("Priya's team books a pilot kickoff by Friday", DEMO, minimum="A call next week"),
    Case("The head of IT grants us sandbox access by next Wednesday", DEMO),
    Case("Get the CFO to agree to a pricing review next week", PROPOSAL),
    Case("Have Dana's team send us their usage data within 2 weeks", DISCOVERY),
    Case("Procurement confirms budget for Q1 by end of month", NEGOTIATION),
    Case("dana agrees to schedule a technical deep dive with her engineers next tuesday", DEMO),
    Case("Raj, the VP of Sales, introduces us to their CFO by Friday.", DISCOVERY),
    Case("Dana signs the renewal by Friday", CLOSING, minimum="Dana confirms the signing date"),
    Case("Sarah from procurement sends us the vendor onboarding forms by EOW", NEGOTIATION),
    Case("The CTO attends a 1-hour security review on 12/3", DEMO),
    Case("Get Dana to book a follow-up demo with her team within 2 weeks", DISCOVERY),
    Case("Their CFO approves the pilot budget by the end of the month", PROPOSAL),
    Case("Marcus agrees to introduce us to the head of security next week", DISCOVERY),
    Case("Tom (Head of Ops) agrees to start a 30-day pilot on Monday", PROPOSAL),
    Case("Jordan and the IT director attend our onsite workshop on the 15th", DEMO),
    Case("The VP of Engineering books a technical validation call for Tuesday 2pm.", DEMO),
    Case("Get Acme's CFO to approve the budget by Q3", NEGOTIATION),
    Case("Lena will provide access to their staging environment by next Monday", DEMO),
    Case("Dana agrees to a mutual action plan with dated milestones by Friday", PROPOSAL),
    Case("Dana's CFO signs the order form on 12/20", CLOSING, minimum="CFO gives a signing date"),
    Case("Have the procurement team issue a PO by end of quarter", CLOSING),
    Case("Mei commits to running a 2-week pilot with 10 users starting next Monday", PROPOSAL),
    Case("the cfo agrees to a pricing call on thursday", PROPOSAL),
    Case("Ana agrees to loop in her CISO for a security review by the 20th", DEMO),
    Case("Dana agrees to review the proposal with her CFO by Friday", PROPOSAL),
    Case("Dana (CFO) agrees to book a pilot kickoff by Friday", DEMO, minimum="A pilot call"),
    Case("Our CEO meets their COO on Friday", NEGOTIATION),
    Case("Dana to book a demo with her team by Friday", DISCOVERY),
    Case("Next step: Dana sends the security questionnaire back by Tuesday", DEMO),
    Case("Dana agrees to bring her CFO to Thursday's demo", DEMO),
    Case("Dana confirms she has budget approved for Q2 by our call on Thursday", PROPOSAL),
    Case("Dana is happy to book a demo for her team next week", DISCOVERY),
    Case("Legal returns the redlined MSA by the 12th", NEGOTIATION),
    Case("Head of IT provides SSO metadata by Wednesday", DEMO),
    Case("have a call with the CFO on Tuesday", PROPOSAL, note="the CFO agrees to a call"),
    Case("Get a meeting with the CFO next week", DISCOVERY, note="the CFO grants the meeting"),
    Case("Get Dana's signature on the order form by Friday", CLOSING),
    Case("Dana's approval of the SOW by Friday", NEGOTIATION, note="terse, but Dana approves"),
    Case("Get their CFO on a call next week", PROPOSAL),
    Case("Meet Dana for coffee next week", DISCOVERY, note="a dated meeting Dana agrees to"),
    Case("Book a follow-up with Dana next Tuesday", DEMO),
    Case("Send the proposal and get Dana to review it with her CFO by Friday", PROPOSAL),
    Case("Present the ROI model, then the CFO approves the budget by the 15th", PROPOSAL),
    Case("Dana agrees to discuss pricing on a call with her CFO Tuesday", PROPOSAL),
    Case("get procurement to send the msa by friday", NEGOTIATION),
    Case("The CFO approves the purchase by Friday", NEGOTIATION),
    Case("Get Dana to buy 20 seats next week", PROPOSAL),
    Case("Dana books a demo for her team next Thursday", DISCOVERY),
    Case("Dana agrees to sign an NDA by Friday", DISCOVERY, note="an NDA is an early step"),
    Case("Dana signs the contract by Friday", CLOSING),
    Case("The CFO signs the order form on Monday", None),
    # Typos, lower case, punctuation, odd layout.
    Case("Dana agrees to shedule a pilot kickoff for next Thursday", DEMO),
    Case("Priya aproves the SOW by Friday", NEGOTIATION),
    Case("Get the CFO to sigh the contract by March 3", CLOSING),
    Case("dana agrees to scedule a demo w/ her team by fri", DISCOVERY),
    Case("DANA (CFO) AGREES TO A PRICING REVIEW ON TUESDAY!!!", PROPOSAL),
    Case("Get the CFO to aprove budget... by Friday??", PROPOSAL),
    Case("priya's team -> pilot kickoff -> next wed", DEMO, note="terse: who, what and when"),
    Case("Dana - agrees to book security review - Tues 12/3", DEMO),
    Case("have dana's team shcedule the onboarding session for next week", CLOSING),
    Case("Dana agrees to sing the MSA by Friday", NEGOTIATION),
    Case("the cfo books a quick sync w/ us tmrw", NEGOTIATION),
    Case("Get Dana to atend the pilot review on the 3rd", PROPOSAL),
    Case("Dana agrees to intoduce us to her boss next week", DISCOVERY),
    Case("Dana agrees... to a pricing review (Tuesday, 2pm)", PROPOSAL),
    Case("🤝 Dana signs the renewal by Friday 🎉", CLOSING),
    Case("“Dana” books the kickoff — by EOW", DEMO),
    Case("Dana books the kickoff by month-end", DEMO, note="month-end is a date"),
    Case("Jamal agrees to a technical review in 2 wks", DEMO, note="2 wks is a date"),
    # The rep's actions.
    Case("Send them the proposal", PROPOSAL, fails="action time who"),
    Case("Present our deck to Dana's team on Thursday", DEMO, fails="action"),
    Case("Build rapport with the new VP", DISCOVERY, fails="action specific time"),
    Case("Learn about their needs", DISCOVERY, fails="action specific time who"),
    Case("Understand their procurement process", DISCOVERY, fails="action specific time who"),
    Case("We send the proposal by Friday", PROPOSAL, fails="action who"),
    Case("I present the ROI analysis to Dana on Tuesday", PROPOSAL, fails="action"),
    Case("Walk them through the demo next week", DEMO, fails="action who"),
    Case(
        "Ask Dana to sign the contract by Friday",
        CLOSING,
        note="what is asked for names the customer's act, as 'get Dana to sign' does",
    ),
    Case("Pitch the enterprise plan to their CFO on Monday", PROPOSAL, fails="action"),
    Case("Follow up with Dana about the proposal", PROPOSAL, fails="action specific time"),
    Case("Email the pricing sheet to procurement tomorrow", NEGOTIATION, fails="action"),
    Case("Find out who signs off on budget", DISCOVERY, fails="action specific time who"),
    Case("Demo the reporting module to the ops team next Tuesday", DEMO, fails="action"),
    Case("Qualify the opportunity", DISCOVERY, fails="action specific time who"),
    Case("Share our case studies with Dana before Friday", DISCOVERY, fails="action"),
    Case("Make sure they understand our value prop", DEMO, fails="action specific time who"),
    Case(
        "Invite Dana to our user conference in May",
        DISCOVERY,
        fails="action time",
        note="a month names no day the forms can read",
    ),
    Case("My manager presents to Dana next week", DEMO, fails="action"),
    Case("We send them the data sheet", DEMO, fails="action time who"),
    Case(
        "Close the deal with Dana by Friday",
        DISCOVERY,
        fails="action specific fit",
        note="closing is the rep's word: the customer signs",
    ),
    Case("Close the deal by end of quarter", NEGOTIATION, fails="action specific who"),
    Case("Demo the product and hopefully they like it", DEMO, fails="action time who"),
    Case("touch base with dana next week", PROPOSAL, fails="action specific"),
    Case("Touch base with Priya's team about the pilot next week", DEMO, fails="action specific"),
    Case("Explore options with their IT team", DISCOVERY, fails="action specific time"),
    Case("Keep the conversation going with procurement", NEGOTIATION, fails="action specific time"),
    Case("Discuss pricing", PROPOSAL, fails="action specific time who"),
    Case(
        "Advance the deal to the next stage by end of month",
        NEGOTIATION,
        fails="action specific who",
    ),
    Case("get the customer excited about the roadmap soon", DEMO, fails="action specific time who"),
    # Customer actions that are vague.
    Case("Dana agrees to move forward", PROPOSAL, fails="specific time"),
    Case("Get buy-in from the CFO by Friday", PROPOSAL, fails="specific"),
    Case("They show interest in a pilot", DEMO, fails="action specific time who"),
    Case("Dana agrees to next steps by Friday", PROPOSAL, fails="specific"),
    Case(
        "The CFO agrees to think about the proposal by Monday",
        PROPOSAL,
        fails="action specific",
        note="thinking it over is not a commitment, agreed to or not",
    ),
    Case(
        "Customer is open to a pilot at some point",
        DEMO,
        fails="action specific time who",
        note="being open is a state of mind, not an act",
    ),
    Case(
        "Dana agrees to keep the conversation going next week",
        PROPOSAL,
        fails="action specific",
    ),
    Case("Dana and her team are aligned on the value by Friday", PROPOSAL, fails="action specific"),
    Case("Get a commitment from Dana by Friday", PROPOSAL, fails="specific"),
    Case("Secure a verbal commitment from the CFO by Thursday", NEGOTIATION, fails="specific"),
    Case("The CFO agrees", PROPOSAL, fails="specific time"),
    Case("We'll get them to move forward at some point", PROPOSAL, fails="specific time who"),
    Case(
        "Dana will think it over and get back to us next week",
        PROPOSAL,
        fails="action specific",
    ),
    Case("they'll circle back soon", PROPOSAL, fails="specific time who"),
    Case(
        "They think about the proposal over the weekend",
        PROPOSAL,
        fails="action specific time who",
        note="no day the forms can read",
    ),
    # Customer actions without a time.
    Case(
        "Dana agrees to book a pilot kickoff", DEMO, fails="time", minimum="Dana agrees to a call"
    ),
    Case("The CFO signs the order form soon", CLOSING, fails="time"),
    Case("Priya introduces us to the head of security at some point", DISCOVERY, fails="time"),
    Case("Have IT provide sandbox access ASAP", DEMO, fails="time"),
    Case("Dana agrees to a pricing review in the near future", PROPOSAL, fails="time"),
    Case("Procurement sends the vendor forms when they're ready", NEGOTIATION, fails="time"),
    Case("They will probably sign at some point", PROPOSAL, fails="time who"),
    # Customer actions with nobody named.
    Case("They agree to a pilot kickoff on Monday", PROPOSAL, fails="who"),
    Case("The customer books a demo for next Tuesday", DISCOVERY, fails="who"),
    Case("We'll get them to sign the order form by 12/15", CLOSING, fails="who"),
    Case("Get them to confirm budget by Friday", PROPOSAL, fails="who"),
    Case("The client signs the SOW by 12/15", CLOSING, fails="who"),
    Case("Their team attends the onboarding workshop next week", CLOSING, fails="who"),
    Case("Customer commits to a 2-week pilot starting on the 3rd", PROPOSAL, fails="who"),
    Case("The prospect agrees to start a pilot within 30 days", PROPOSAL, fails="who"),
    Case("Acme Corp signs the order form by Friday", CLOSING, fails="who"),
    Case(
        "Acme agrees to a pilot next month",
        PROPOSAL,
        fails="time who",
        note="a company, not a person; a month names no day the forms can read",
    ),
    Case("Schedule a demo for next week", DISCOVERY, fails="who"),
    Case("Send us their usage data by Friday", DISCOVERY, fails="who"),
    Case("Get access to their data warehouse by next week", DEMO, fails="who"),
    # What the customer will not do: no commitment, however dated.
    Case(
        "Sarah (CFO) does not sign the contract by Friday",
        CLOSING,
        fails="action",
        minimum="Sarah refuses to meet next week",
        note="a commitment is an act the customer takes, not one they won't",
    ),
    Case("Dana (CFO) agrees not to buy by Friday", CLOSING, fails="action"),
    Case("Raj won't approve the SOW by Friday", NEGOTIATION, fails="action"),
    Case("The CFO will not attend the pricing review on Tuesday", PROPOSAL, fails="action"),
    Case("Dana refuses to meet next week", PROPOSAL, fails="action"),
    Case("Procurement declines to issue the PO by end of quarter", CLOSING, fails="action"),
    Case("Dana never books the follow-up demo", DEMO, fails="action time"),
    Case("Dana doesn't agree to a pricing review by Friday", PROPOSAL, fails="action"),
    Case("Dana can't sign the order form before Q1", CLOSING, fails="action"),
    Case("Legal no longer needs to review the MSA by the 12th", NEGOTIATION, fails="action"),
    Case("Dana promises never to cancel the renewal", CLOSING, fails="action time"),
    # Negative words around a commitment that still stands.
    Case("Dana agrees to a call on Tuesday, no slides needed", PROPOSAL),
    Case("Dana confirms no further legal review is needed and signs by Friday", CLOSING),
    Case("Dana agrees to not wait for Q1 and signs by Friday", CLOSING),
    Case("Dana signs the order form by Friday, not next quarter", CLOSING),
    Case("Dana can't wait to start the pilot on Monday", PROPOSAL),
    Case("If legal doesn't object, Dana signs the MSA by Friday", NEGOTIATION),
    Case("The CFO rejects the other bids and signs with us by Friday", CLOSING),
    Case("Dana won't need a second demo: she books the pilot kickoff for Monday", DEMO),
    Case("Dana will not hesitate to sign the renewal by the 30th", CLOSING),
    # The rep giving to the customer.
    Case("Give them a demo by Friday", DEMO, fails="action who"),
    Case("Give Dana our pricing on Monday", PROPOSAL, fails="action"),
    Case("Send the CFO our deck on Monday", PROPOSAL, fails="action"),
    # Stage fit.
    Case("Dana signs the contract by Friday", DISCOVERY, fails="fit"),
    Case("Get the CFO to purchase 50 seats by end of month", DISCOVERY, fails="fit"),
    Case("At our first meeting, Dana agrees to buy the annual plan next week", None, fails="fit"),
    Case("Priya's team issues a PO for the annual licence by the 30th", DEMO, fails="fit"),
    Case("The CFO approves the purchase by Friday", DISCOVERY, fails="fit"),
    Case("they sign the contract during our first call next week", None, fails="who fit"),
    Case(
        "Dana agrees to a 30-minute intro call next week",
        CLOSING,
        fails="fit",
        note="at closing an intro call steps back",
    ),
    # Long text.
    Case(
        LONG_CONTEXT
        + "Objective: Dana agrees to book a security review with their CISO by Friday.",
        DEMO,
    ),
    Case("Dana agrees to a pricing review on Tuesday." + ACCOUNT_NOTES * 6, PROPOSAL),
    Case(RAMBLE * 6, DISCOVERY, fails="action specific time who"),
    # Fallback: set, blank, and the objective itself.
    Case("Dana signs the order form by Friday", CLOSING, minimum="Dana confirms a signing date"),
    Case("Dana signs the order form by Friday", CLOSING, fails="fallback", minimum="   "),
    Case(
        "Dana agrees to a pilot kickoff on Monday",
        DEMO,
        fails="fallback",
        minimum="Dana agrees to a pilot kickoff on Monday",
        note="a fallback is a smaller step than the objective",
    ),
    # A second batch, labelled before the rules ever read it, as a check that they generalise.
    Case("Kevin from finance confirms the PO number by Thursday", NEGOTIATION),
    Case("Jen's boss signs off on the pilot budget by 11/30", PROPOSAL),
    Case("Set up a 45-minute technical deep dive with their architects next week", DEMO),
    Case(
        "Get an intro to the economic buyer by Friday",
        DISCOVERY,
        fails="who",
        note="'the economic buyer' is a placeholder for a person not yet known",
    ),
    Case("They're going to think it over", PROPOSAL, fails="action specific time who"),
    Case("Send over the MSA redlines and hope for the best", NEGOTIATION, fails="action time who"),
    Case("Chris (VP Ops) and his team join a 2-hour workshop on Jan 12", DEMO),
    Case(
        "Confirm their budget for next year",
        PROPOSAL,
        fails="time who",
        note="next year is the budget's period, not when it is confirmed",
    ),
    Case("Priya commits to a decision on the pilot by the 14th", PROPOSAL),
    Case("Make sure Dana is happy with the proposal by Friday", PROPOSAL, fails="action specific"),
    Case("Set up a call with the CIO for next Thursday", DEMO),
    Case(
        "Learn their evaluation criteria and timeline", DISCOVERY, fails="action specific time who"
    ),
    Case("The board approves the budget at their March 15 meeting", NEGOTIATION),
    Case("get sarah to introduce us to her vp by next friday", DISCOVERY),
    Case("Present pricing options", PROPOSAL, fails="action time who"),
    Case("Dana pays the first invoice by 12/31", CLOSING),
    Case("Dana agrees to pay the deposit next week", DISCOVERY, fails="fit"),
    Case("Their IT lead shares the network diagram by Wednesday", DEMO),
    Case("Hopefully Dana likes the demo", DEMO, fails="action specific time"),
    Case("Schedule the next meeting", DEMO, fails="time who"),
    Case("Dana introduces me to the COO before the end of the month", DISCOVERY),
    Case(
        "Win the Acme deal this quarter",
        NEGOTIATION,
        fails="action specific time who",
        note="winning is the rep's outcome, not an act of the customer's; 'this quarter' names no"
        " day the forms can read",
    ),
    Case("Get verbal approval from Dana's CFO on pricing by Friday", NEGOTIATION),
    Case("Dana's team will evaluate the product", DEMO, fails="specific time"),
    Case("Marta promises to send the signed SOW Tuesday", CLOSING),
    Case("Book time with their head of data to review integration needs by next Friday", DEMO),
    Case(
        "Get on the CFO's calendar",
        PROPOSAL,
        fails="time",
        note="a meeting on the CFO's calendar is observable",
    ),
    Case("Run a 2-week pilot with Priya's team starting the 1st", DEMO),
    Case(
        "Dana's team sends us sample data this week",
        DISCOVERY,
        fails="time",
        note="the forms ask which day this week",
    ),
    Case("Follow up next week", PROPOSAL, fails="action specific who"),
    Case("Demo to the whole team on Thursday", DEMO, fails="action who"),
    Case("Nail down the pilot start date with Dana by Friday", DEMO),
    Case("Get a signed LOI from the VP by month end", NEGOTIATION, note="an LOI is a document"),
    Case("Procurement to send vendor setup forms by EOD Friday", NEGOTIATION),
    Case("Dana agrees to a follow up call next Tuesday at 10am", PROPOSAL),
    Case("Check in with the champion next week", DEMO, fails="action specific who"),
    Case("Ask the CFO for a budget decision by Friday", PROPOSAL, fails="action"),
    Case("Dana to confirm attendees for the onsite by Wed", DEMO),
    Case("Agree on success criteria for the pilot with Dana by Friday", DEMO),
    Case("they buy", CLOSING, fails="time who"),
    Case("Raj signs", DISCOVERY, fails="time fit"),
    Case("Sign the MSA", CLOSING, fails="time who"),
    Case("Sign the MSA", DISCOVERY, fails="time who fit"),
    Case("Get Dana to sign the order form at our first meeting on Monday", None, fails="fit"),
    Case("Dana agrees to a pilot kickoff, with the CISO attending, on 3/14", DEMO),
    Case(
        "Understand Dana's priorities for Q3",
        DISCOVERY,
        fails="action specific time",
        note="Q3 is when the priorities apply, not when anything happens",
    ),
    Case("Email Dana the contract tomorrow morning", CLOSING, fails="action"),
    Case("Dana and Raj from IT attend the sandbox walkthrough Thursday at 2", DEMO),
    Case("the champion will loop in legal by next week", NEGOTIATION),
    Case("Obtain sign-off from security on the questionnaire within 10 business days", DEMO),
    Case("Get them excited about phase 2", DEMO, fails="action specific time who"),
    Case("Dana replies to the proposal by Monday", PROPOSAL, fails="specific"),
    Case("Dana agrees to bring her CFO to a pricing meeting on the 9th", PROPOSAL),
    Case("A pilot kickoff with Dana's team on 4/2", DEMO),
    Case("Next week: CFO sign-off on the SOW", NEGOTIATION),
    Case("Walk the CFO through the ROI model on Friday and get her approval", PROPOSAL),
    Case("Convince the CFO of the ROI", PROPOSAL, fails="action specific time"),
    Case("Ping Dana about next steps", PROPOSAL, fails="action specific time"),
)
