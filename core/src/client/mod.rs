//! The client engine: every decision a client makes, made once, for every host.
//!
//! A host (the npm package, Kotlin, Swift) only performs actions: it sends requests with its
//! transport, sleeps, signs with its key, asks its token provider, and reads its clock and random
//! source. Everything else is decided here: which request to send, whether an answer is final,
//! whether to retry and after how long (`Retry-After`, backoff with jitter), when to fetch or
//! refresh a token, when a late retry must be signed again, and which error ends the call. Like
//! quinn-proto, the engine performs no I/O: a call is a state machine fed with events (`now`, an
//! answer, a transport failure, a jitter value) that returns the next [`Action`].
//!
//! ```
//! use chrono::DateTime;
//! use clientele_core::bloc::Bloc;
//! use clientele_core::client::{Action, BlocCall, BlocOperation, EngineOptions};
//! use clientele_core::http::HttpResponse;
//!
//! let bloc = Bloc::new("sk_test_0123456789abcdef")?;
//! let mut call = BlocCall::new(
//!     BlocOperation::GetCustomer { customer_id: "6410612c7f1b4b36103f872a".into() },
//!     EngineOptions::default(),
//! );
//! let now = DateTime::from_timestamp(1_763_700_000, 0).unwrap();
//! let mut action = call.start(&bloc, now)?;
//! let mut answers = vec![
//!     HttpResponse::new(200, vec![], r#"{"success":true,"data":{"id":"6410612c7f1b4b36103f872a","customer_type":"Personal","status":"active","environment":"test"}}"#),
//!     HttpResponse::new(503, vec![], "upstream unavailable"),
//! ];
//! let customer = loop {
//!     action = match action {
//!         Action::Send { request, .. } => {
//!             let response = answers.pop().unwrap(); // the host's transport sends `request`
//!             call.on_response(response, now, 0.5)?
//!         }
//!         Action::Wait { ms, .. } => {
//!             assert_eq!(ms, 375); // 500 ms halved plus half of it times the jitter
//!             call.on_waited(now)? // after the host slept
//!         }
//!         Action::Done { response, attempts } => {
//!             assert_eq!(attempts, 2);
//!             break Bloc::parse_get_customer(&response)?;
//!         }
//!         other => unreachable!("{other:?}"),
//!     };
//! };
//! assert_eq!(customer.id, "6410612c7f1b4b36103f872a");
//! # Ok::<(), clientele_core::Error>(())
//! ```

mod call;
mod observe;
mod operation;
mod placement;
mod policy;
mod session;

pub use call::{Action, BlocCall, OffBlocksCall};
pub use observe::{AppInfo, Event, Identity, Purpose, RETRY_HEADER, user_agent};
pub use operation::{BlocOperation, OffBlocksOperation};
pub use placement::{Credential, Placement, check_placement};
pub use policy::{CallOptions, Defaults, EngineOptions, defaults};
pub use session::{OffBlocksSession, TokenSource};
