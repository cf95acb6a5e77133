//! What the speech-acts ingest hands the coordinator, typed as the coordinator uses it,
//! on a channel of its own: the bus drops events for a reader that falls behind, and a
//! REQUEST dropped there would leave a sidecar without help.

use faultline_protocol::{ReportAbout, RequestType, SidecarId, SpeechAct, SpeechActBody};

/// How many speech acts may wait for the coordinator before the speech-acts ingest waits
/// too. Only REQUESTs and REPORTs on COMMANDs come here (a few per episode; a sidecar asks
/// at most once a minute), and the coordinator takes each in microseconds (it opens an
/// episode task or routes a report), so the queue stays near empty. The bound matters only
/// when a sidecar floods speech acts: the ingest then reads `faultline.speech-acts` later,
/// and the records wait in Kafka instead of in the platform's memory; none is lost.
pub const INBOX_CAPACITY: usize = 64;

/// A speech act the coordinator acts on.
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    /// A sidecar asks for help.
    Request(Request),
    /// A sidecar says whether it carried out a COMMAND.
    Report(CommandReport),
}

/// A REQUEST as the coordinator sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub sidecar: SidecarId,
    pub request_id: String,
    pub request: RequestType,
    pub text: String,
}

/// A sidecar's REPORT on a COMMAND.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandReport {
    pub sidecar: SidecarId,
    /// The response id of the COMMAND it reports on.
    pub in_reply_to: String,
    /// True when the sidecar carried the COMMAND out (`COMMAND_APPLIED`).
    pub applied: bool,
    /// The sidecar's sentence: what it did, or why it could not.
    pub text: String,
}

impl Inbound {
    /// The coordinator's part of a decoded speech act: a REQUEST, or a REPORT on a
    /// COMMAND; None for heartbeats, observations and a REPORT on a COMMAND that names no
    /// COMMAND (nothing waits for one).
    pub fn from_speech_act(act: &SpeechAct) -> Option<Self> {
        let sidecar = act.source.clone();
        match &act.body {
            SpeechActBody::Request {
                request_id,
                request,
                text,
                ..
            } => Some(Self::Request(Request {
                sidecar,
                request_id: request_id.clone(),
                request: *request,
                text: text.clone(),
            })),
            SpeechActBody::Report {
                about: about @ (ReportAbout::CommandApplied | ReportAbout::CommandFailed),
                text,
                in_reply_to: Some(in_reply_to),
            } => Some(Self::Report(CommandReport {
                sidecar,
                in_reply_to: in_reply_to.clone(),
                applied: *about == ReportAbout::CommandApplied,
                text: text.clone(),
            })),
            SpeechActBody::Report { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use faultline_protocol::messages::MessageKind;
    use faultline_protocol::{Urgency, PROTOCOL_VERSION};

    use super::*;

    fn act(body: SpeechActBody) -> SpeechAct {
        SpeechAct {
            v: PROTOCOL_VERSION,
            kind: MessageKind::SpeechAct,
            source: SidecarId::parse("producer-1").unwrap(),
            ts: 1_795_727_499_360,
            body,
        }
    }

    fn report(about: ReportAbout, in_reply_to: Option<&str>) -> SpeechAct {
        act(SpeechActBody::Report {
            about,
            text: "producer-1 now sends at 1 message per second.".into(),
            in_reply_to: in_reply_to.map(str::to_owned),
        })
    }

    #[test]
    fn a_request_arrives_typed() {
        let request = act(SpeechActBody::Request {
            request_id: "producer-1-1795727499360".into(),
            request: RequestType::Throttle,
            urgency: Urgency::Immediate,
            text: "please throttle it".into(),
        });
        assert_eq!(
            Inbound::from_speech_act(&request),
            Some(Inbound::Request(Request {
                sidecar: SidecarId::parse("producer-1").unwrap(),
                request_id: "producer-1-1795727499360".into(),
                request: RequestType::Throttle,
                text: "please throttle it".into(),
            }))
        );
    }

    #[test]
    fn a_report_on_a_command_says_whether_it_was_applied() {
        let applied = Inbound::from_speech_act(&report(ReportAbout::CommandApplied, Some("c-1")));
        let Some(Inbound::Report(applied)) = applied else {
            panic!("not a report: {applied:?}");
        };
        assert!(applied.applied);
        assert_eq!(applied.in_reply_to, "c-1");
        let failed = Inbound::from_speech_act(&report(ReportAbout::CommandFailed, Some("c-2")));
        assert!(matches!(failed, Some(Inbound::Report(r)) if !r.applied && r.in_reply_to == "c-2"));
    }

    #[test]
    fn heartbeats_observations_and_reports_naming_no_command_stay_off_the_inbox() {
        for about in [ReportAbout::Heartbeat, ReportAbout::Observation] {
            assert_eq!(Inbound::from_speech_act(&report(about, None)), None);
        }
        assert_eq!(
            Inbound::from_speech_act(&report(ReportAbout::CommandApplied, None)),
            None
        );
    }
}
