//! Sends the platform's answers to sidecars on `faultline.responses` and the bus.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use faultline_kafka::Publisher;
use faultline_protocol::clock::now_ms;
use faultline_protocol::messages::MessageKind;
use faultline_protocol::{topics, Command, Response, ResponseAct, SidecarId, PROTOCOL_VERSION};

use super::Request;
use crate::bus::Bus;
use crate::wire::Event;

/// Sends the platform's answers to `faultline.responses` and puts each on the bus.
#[derive(Clone)]
pub struct Responder {
    publisher: Publisher,
    bus: Bus,
    platform_id: SidecarId,
    next: Arc<AtomicU64>,
}

impl Responder {
    pub fn new(publisher: Publisher, bus: Bus, platform_id: SidecarId) -> Self {
        Self {
            publisher,
            bus,
            platform_id,
            next: Arc::default(),
        }
    }

    pub async fn acknowledge(&self, request: &Request) -> String {
        let text = format!(
            "Platform received {}'s {:?} request: {}",
            request.sidecar, request.request, request.text
        );
        self.send(request, ResponseAct::Acknowledge, text, None)
            .await
    }

    pub async fn promise(&self, request: &Request, text: String) -> String {
        self.send(request, ResponseAct::Promise, text, None).await
    }

    pub async fn command(&self, request: &Request, text: String, command: Command) -> String {
        self.send(request, ResponseAct::Command, text, Some(command))
            .await
    }

    pub async fn deliver(&self, request: &Request, text: String) -> String {
        self.send(request, ResponseAct::Deliver, text, None).await
    }

    pub async fn deny(&self, request: &Request, text: String) -> String {
        self.send(request, ResponseAct::Deny, text, None).await
    }

    pub async fn explain(&self, request: &Request, text: String) -> String {
        self.send(request, ResponseAct::Explain, text, None).await
    }

    /// A COMMAND an operator (or a scenario) gives, not in answer to any request.
    pub async fn command_unprompted(
        &self,
        target: &SidecarId,
        text: String,
        command: Command,
    ) -> String {
        self.send_to(target, None, ResponseAct::Command, text, Some(command))
            .await
    }

    async fn send(
        &self,
        request: &Request,
        act: ResponseAct,
        text: String,
        command: Option<Command>,
    ) -> String {
        self.send_to(
            &request.sidecar,
            Some(&request.request_id),
            act,
            text,
            command,
        )
        .await
    }

    /// Returns the response id, which a sidecar's REPORT about a COMMAND cites.
    async fn send_to(
        &self,
        target: &SidecarId,
        in_reply_to: Option<&str>,
        act: ResponseAct,
        text: String,
        command: Option<Command>,
    ) -> String {
        let ts = now_ms();
        let response_id = format!(
            "{}-{}-{}",
            self.platform_id,
            ts,
            self.next.fetch_add(1, Ordering::Relaxed)
        );
        let response = Response {
            v: PROTOCOL_VERSION,
            kind: MessageKind::Response,
            source: self.platform_id.clone(),
            ts,
            target: target.clone(),
            response_id: response_id.clone(),
            in_reply_to: in_reply_to.map(str::to_owned),
            act,
            text: text.clone(),
            command: command.clone(),
        };
        // Announce before sending: the sidecar may act on it (and report back) before the
        // broker's acknowledgement returns, and the timeline must stay in causal order.
        self.bus.publish(Event::Response {
            target: target.to_string(),
            act,
            response_id: response_id.clone(),
            in_reply_to: in_reply_to.map(str::to_owned),
            text,
            command,
        });
        if let Err(error) = self
            .publisher
            .send(topics::RESPONSES.name, target.as_str(), ts, &response)
            .await
        {
            tracing::warn!(%target, ?act, %error, "response not sent");
        }
        response_id
    }
}
