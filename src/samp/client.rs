//! A registered SAMP client: registration with the hub, metadata, subscriptions, the
//! callback server that receives messages, replies, and unregistration on drop.
//! Messages arrive on [`SampClient::messages`]; calls (those expecting a reply) carry a
//! message ID to answer with [`SampClient::reply`]. `samp.app.ping` is answered here.

use std::net::TcpListener;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use crate::samp::http::{post, serve};
use crate::samp::lockfile::HubInfo;
use crate::samp::xmlrpc::{
    Value, call_text, fault_text, parse_call, parse_response, response_text,
};

/// How long a call to the hub may take.
const HUB_TIMEOUT: Duration = Duration::from_secs(10);

/// A message from another application.
#[derive(Clone, Debug, PartialEq)]
pub struct Incoming {
    /// The sender's client ID.
    pub sender: String,
    pub mtype: String,
    /// `samp.params`: a map.
    pub params: Value,
    /// Set for calls, which expect a reply.
    pub msg_id: Option<String>,
}

/// What calling the hub as this client takes: cheap to clone, for calls made from
/// threads of their own.
#[derive(Clone, Debug)]
pub struct HubLink {
    hub: HubInfo,
    private_key: String,
}

impl HubLink {
    /// A hub method called with this client's private key first.
    fn call(&self, method: &str, params: &[Value]) -> Result<Value, String> {
        let mut all = vec![Value::str(&self.private_key)];
        all.extend_from_slice(params);
        hub_call(&self.hub, method, &all)
    }

    /// Sends a notification to every client subscribed to `mtype`; returns their IDs.
    pub fn notify_all(&self, mtype: &str, params: Value) -> Result<Vec<String>, String> {
        match self.call("samp.hub.notifyAll", &[message(mtype, params)])? {
            Value::List(ids) => Ok(ids
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()),
            other => Err(format!(
                "samp.hub.notifyAll: the hub answered {other:?}, not a list"
            )),
        }
    }

    /// Sends a notification to one client (by its ID).
    pub fn notify(&self, recipient: &str, mtype: &str, params: Value) -> Result<(), String> {
        let call = [Value::str(recipient), message(mtype, params)];
        self.call("samp.hub.notify", &call).map(|_| ())
    }

    /// Answers a call: success with a result map, or an error with its text.
    pub fn reply(&self, msg_id: &str, result: Result<Value, String>) -> Result<(), String> {
        reply(&self.hub, &self.private_key, msg_id, result)
    }

    /// The other clients registered with the hub: (client ID, `samp.name` or "").
    pub fn clients(&self) -> Result<Vec<(String, String)>, String> {
        let ids = match self.call("samp.hub.getRegisteredClients", &[])? {
            Value::List(ids) => ids,
            _ => return Err("getRegisteredClients: the hub's answer is not a list".into()),
        };
        ids.iter()
            .filter_map(|v| v.as_str())
            .map(|id| {
                let meta = self.call("samp.hub.getMetadata", &[Value::str(id)])?;
                let name = meta.get("samp.name").and_then(Value::as_str).unwrap_or("");
                Ok((id.to_string(), name.to_string()))
            })
            .collect()
    }

    /// Runs `what` on a thread of its own, for calls a frame must not wait for (a hub
    /// that hangs answers only after its timeout); a failure is a warning.
    pub fn in_background(
        &self,
        what: impl FnOnce(&HubLink) -> Result<(), String> + Send + 'static,
    ) {
        let link = self.clone();
        std::thread::spawn(move || {
            if let Err(e) = what(&link) {
                report!("warning: SAMP: {e}");
            }
        });
    }
}

fn message(mtype: &str, params: Value) -> Value {
    Value::map(&[("samp.mtype", Value::str(mtype)), ("samp.params", params)])
}

pub struct SampClient {
    link: HubLink,
    /// This client's ID at the hub.
    pub self_id: String,
    pub messages: Receiver<Incoming>,
    registered: bool,
    /// Leaves the hub if the process is interrupted (drop does it otherwise).
    _leave_on_interrupt: crate::fsutil::InterruptHook,
}

/// One XML-RPC call to the hub.
fn hub_call(hub: &HubInfo, method: &str, params: &[Value]) -> Result<Value, String> {
    let reply = post(&hub.xmlrpc_url, &call_text(method, params), HUB_TIMEOUT)?;
    parse_response(&reply).map_err(|e| format!("{method}: {e}"))
}

fn text_of(v: &Value, key: &str, what: &str) -> Result<String, String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("the hub's answer to {what} has no {key}"))
}

impl SampClient {
    /// Registers with `hub` as `name`, subscribed to `mtypes` (and `samp.app.ping`).
    pub fn connect(
        hub: HubInfo,
        name: &str,
        description: &str,
        mtypes: &[&str],
    ) -> Result<SampClient, String> {
        let registration = hub_call(&hub, "samp.hub.register", &[Value::str(&hub.secret)])?;
        let private_key = text_of(&registration, "samp.private-key", "samp.hub.register")?;
        let self_id = text_of(&registration, "samp.self-id", "samp.hub.register")?;
        let (tx, rx) = channel();
        let leave_on_interrupt = {
            let (hub, key) = (hub.clone(), private_key.clone());
            crate::fsutil::on_interrupt(move || {
                let _ = hub_call(&hub, "samp.hub.unregister", &[Value::str(&key)]);
            })
        };
        let client = SampClient {
            link: HubLink { hub, private_key },
            self_id,
            messages: rx,
            registered: true,
            _leave_on_interrupt: leave_on_interrupt,
        };
        client.call(
            "samp.hub.declareMetadata",
            &[Value::map(&[
                ("samp.name", Value::str(name)),
                ("samp.description.text", Value::str(description)),
                (
                    "samp.documentation.url",
                    Value::str("https://github.com/clusterviz"),
                ),
            ])],
        )?;
        let listener =
            TcpListener::bind("127.0.0.1:0").map_err(|e| format!("callback server: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let receiver = CallbackHandler {
            hub: client.link.hub.clone(),
            private_key: client.link.private_key.clone(),
            tx,
        };
        serve(listener, move |body| receiver.handle(body));
        client.call(
            "samp.hub.setXmlrpcCallback",
            &[Value::str(format!("http://127.0.0.1:{port}/xmlrpc"))],
        )?;
        let subscriptions: Vec<(String, Value)> = mtypes
            .iter()
            .chain(&["samp.app.ping"])
            .map(|m| (m.to_string(), Value::Map(Vec::new())))
            .collect();
        client.call(
            "samp.hub.declareSubscriptions",
            &[Value::Map(subscriptions)],
        )?;
        Ok(client)
    }

    /// A hub method called with this client's private key first.
    fn call(&self, method: &str, params: &[Value]) -> Result<Value, String> {
        self.link.call(method, params)
    }

    /// What calling the hub as this client takes, for threads of their own.
    pub fn link(&self) -> &HubLink {
        &self.link
    }

    /// Answers a call: success with a result map, or an error with its text.
    pub fn reply(&self, msg_id: &str, result: Result<Value, String>) -> Result<(), String> {
        self.link.reply(msg_id, result)
    }

    /// Sends a notification to every client subscribed to `mtype`; returns their IDs.
    pub fn notify_all(&self, mtype: &str, params: Value) -> Result<Vec<String>, String> {
        self.link.notify_all(mtype, params)
    }

    /// The other clients registered with the hub: (client ID, `samp.name` or "").
    pub fn clients(&self) -> Result<Vec<(String, String)>, String> {
        self.link.clients()
    }

    /// Lets go of a hub that has gone away: nothing is said to it.
    pub fn forget_hub(mut self) {
        self.registered = false;
    }

    /// Leaves the hub (also done on drop).
    pub fn unregister(&mut self) -> Result<(), String> {
        if !std::mem::take(&mut self.registered) {
            return Ok(());
        }
        self.call("samp.hub.unregister", &[]).map(|_| ())
    }
}

impl Drop for SampClient {
    fn drop(&mut self) {
        let _ = self.unregister();
    }
}

fn reply(
    hub: &HubInfo,
    key: &str,
    msg_id: &str,
    result: Result<Value, String>,
) -> Result<(), String> {
    let response = match result {
        Ok(v) => Value::map(&[("samp.status", Value::str("samp.ok")), ("samp.result", v)]),
        Err(text) => Value::map(&[
            ("samp.status", Value::str("samp.error")),
            (
                "samp.error",
                Value::map(&[("samp.errortxt", Value::str(text))]),
            ),
        ]),
    };
    hub_call(
        hub,
        "samp.hub.reply",
        &[Value::str(key), Value::str(msg_id), response],
    )
    .map(|_| ())
}

/// The callback side: the hub's calls to this client.
struct CallbackHandler {
    hub: HubInfo,
    private_key: String,
    tx: Sender<Incoming>,
}

impl CallbackHandler {
    fn handle(&self, body: &str) -> String {
        match self.receive(body) {
            Ok(()) => response_text(&Value::str("")),
            Err(e) => fault_text(&e),
        }
    }

    fn receive(&self, body: &str) -> Result<(), String> {
        let (method, params) = parse_call(body)?;
        let text = |i: usize| {
            params
                .get(i)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("{method}: parameter {} is not a string", i + 1))
        };
        if text(0)? != self.private_key {
            return Err("wrong private key".into());
        }
        let (sender, msg_id, message) = match method.as_str() {
            "samp.client.receiveNotification" => (text(1)?, None, params.get(2)),
            "samp.client.receiveCall" => (text(1)?, Some(text(2)?), params.get(3)),
            // Replies to calls of ours: none are made yet.
            "samp.client.receiveResponse" => return Ok(()),
            other => return Err(format!("no method {other}")),
        };
        let message = message.ok_or_else(|| format!("{method}: no message"))?;
        let mtype = message
            .get("samp.mtype")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{method}: the message has no samp.mtype"))?
            .to_string();
        let params = message
            .get("samp.params")
            .cloned()
            .unwrap_or(Value::Map(Vec::new()));
        if mtype == "samp.app.ping" {
            if let Some(id) = msg_id {
                // Replied from another thread: the hub waits for this call's answer first.
                let (hub, key) = (self.hub.clone(), self.private_key.clone());
                std::thread::spawn(move || reply(&hub, &key, &id, Ok(Value::Map(Vec::new()))));
            }
            return Ok(());
        }
        self.tx
            .send(Incoming {
                sender,
                mtype,
                params,
                msg_id,
            })
            .map_err(|_| "clusterviz is no longer listening".to_string())
    }
}
