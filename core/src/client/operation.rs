//! Operations as values: each names an endpoint and carries its whole input, so the engine can
//! build it, build it again (a refreshed token, a new signature) and read its errors with the
//! endpoint's own rules (ruma's `OutgoingRequest`, async-stripe's transport-free requests).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::bloc::{
    Bloc, CustomerCreateRequest, CustomerListQuery, CustomerUpdateRequest, KycTier1Upgrade,
    KycTier2Upgrade, KycTier3Upgrade,
};
use crate::error::{ApiError, Error, Provider};
use crate::http::{HttpRequest, HttpResponse};
use crate::offblocks::{
    ChallengeSubmission, OffBlocks, OffBlocksCustomerCreate, Op, SigningRequest, check_status,
};

/// A Bloc operation with its input.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
// Externally tagged (`{"get_customer": {"customerId": ...}}`, a unit variant as its name): read
// without serde's buffering of internally tagged enums, which would cost the wasm module dearly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum BlocOperation {
    /// `GET /customers`: one page.
    ListCustomers {
        /// Which page.
        query: CustomerListQuery,
    },
    /// `GET /customers/{id}`.
    #[serde(rename_all = "camelCase")]
    GetCustomer {
        /// The customer's id.
        customer_id: String,
    },
    /// `POST /customers`. Never retried after a server error: the customer may exist.
    CreateCustomer {
        /// The new customer.
        payload: CustomerCreateRequest,
    },
    /// `PUT /customers/{id}`.
    #[serde(rename_all = "camelCase")]
    UpdateCustomer {
        /// The customer's id.
        customer_id: String,
        /// The customer's details (a full replacement).
        payload: CustomerUpdateRequest,
    },
    /// `PUT /customers/upgrade/t1/{id}`.
    #[serde(rename_all = "camelCase")]
    KycTier1Upgrade {
        /// The customer's id.
        customer_id: String,
        /// Tier 1 details.
        payload: KycTier1Upgrade,
        /// Bounds the date of birth; default: the UTC date of the clock the host passes.
        #[serde(default, with = "crate::json::opt_calendar_date")]
        #[cfg_attr(feature = "wasm", tsify(type = "string | null", optional))]
        today: Option<NaiveDate>,
    },
    /// `PUT /customers/upgrade/t2/{id}`.
    #[serde(rename_all = "camelCase")]
    KycTier2Upgrade {
        /// The customer's id.
        customer_id: String,
        /// Tier 2 details.
        payload: KycTier2Upgrade,
    },
    /// `PUT /customers/upgrade/t3/{id}`.
    #[serde(rename_all = "camelCase")]
    KycTier3Upgrade {
        /// The customer's id.
        customer_id: String,
        /// Tier 3 details.
        payload: KycTier3Upgrade,
    },
    /// `GET /customers/means-of-id`.
    MeansOfIdentification,
    /// `GET /customers/kyc/revalidate/{id}`.
    #[serde(rename_all = "camelCase")]
    RevalidateKyc {
        /// The customer's id.
        customer_id: String,
    },
}

impl BlocOperation {
    /// The operation's name, as the fixtures and hooks write it (`get_customer`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            BlocOperation::ListCustomers { .. } => "list_customers",
            BlocOperation::GetCustomer { .. } => "get_customer",
            BlocOperation::CreateCustomer { .. } => "create_customer",
            BlocOperation::UpdateCustomer { .. } => "update_customer",
            BlocOperation::KycTier1Upgrade { .. } => "kyc_tier1_upgrade",
            BlocOperation::KycTier2Upgrade { .. } => "kyc_tier2_upgrade",
            BlocOperation::KycTier3Upgrade { .. } => "kyc_tier3_upgrade",
            BlocOperation::MeansOfIdentification => "means_of_identification",
            BlocOperation::RevalidateKyc { .. } => "revalidate_kyc",
        }
    }

    /// The request, validated; `now` gives the default `today` of a tier 1 upgrade.
    pub fn build(&self, bloc: &Bloc, now: DateTime<Utc>) -> Result<HttpRequest, Error> {
        match self {
            BlocOperation::ListCustomers { query } => bloc.build_list_customers(query),
            BlocOperation::GetCustomer { customer_id } => bloc.build_get_customer(customer_id),
            BlocOperation::CreateCustomer { payload } => bloc.build_create_customer(payload),
            BlocOperation::UpdateCustomer {
                customer_id,
                payload,
            } => bloc.build_update_customer(customer_id, payload),
            BlocOperation::KycTier1Upgrade {
                customer_id,
                payload,
                today,
            } => bloc.build_kyc_tier1_upgrade(
                customer_id,
                payload,
                today.unwrap_or_else(|| now.date_naive()),
            ),
            BlocOperation::KycTier2Upgrade {
                customer_id,
                payload,
            } => bloc.build_kyc_tier2_upgrade(customer_id, payload),
            BlocOperation::KycTier3Upgrade {
                customer_id,
                payload,
            } => bloc.build_kyc_tier3_upgrade(customer_id, payload),
            BlocOperation::MeansOfIdentification => Ok(bloc.build_means_of_identification()),
            BlocOperation::RevalidateKyc { customer_id } => bloc.build_revalidate_kyc(customer_id),
        }
    }

    /// Whether repeating the operation has no second effect (every one but create), which
    /// decides whether a server error may be retried. The parse functions use the same rule.
    pub fn is_idempotent(&self) -> bool {
        !matches!(self, BlocOperation::CreateCustomer { .. })
    }

    /// The error a non-2xx answer is (as the operation's parse function reads it), else `None`.
    pub fn error_of(&self, response: &HttpResponse) -> Option<Error> {
        (!response.is_success())
            .then(|| ApiError::from_response(Provider::Bloc, response, self.is_idempotent()).into())
    }
}

/// An OffBlocks operation with its input. Operations that change something carry their
/// Idempotency-Key: the same key on every attempt and every rebuild.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum OffBlocksOperation {
    /// The session's bearer token: obtained (or refreshed) when the session needs one, else the
    /// one it holds. Sends nothing else; `Done` means the session's token is ready to read.
    AccessToken,
    /// `POST /customers`.
    #[serde(rename_all = "camelCase")]
    CreateCustomer {
        /// The new customer.
        input: OffBlocksCustomerCreate,
        /// A UUID, the same on every retry.
        idempotency_key: String,
    },
    /// `GET /customers`.
    ListCustomers,
    /// `GET /customers/{id}`.
    #[serde(rename_all = "camelCase")]
    GetCustomer {
        /// The customer's id.
        customer_id: String,
    },
    /// `PATCH /customers/{id}/deactivate` (the customer's accounts and cards too).
    #[serde(rename_all = "camelCase")]
    DeactivateCustomer {
        /// The customer's id.
        customer_id: String,
        /// A UUID, the same on every retry.
        idempotency_key: String,
    },
    /// `PATCH /customers/{id}/activate`.
    #[serde(rename_all = "camelCase")]
    ActivateCustomer {
        /// The customer's id.
        customer_id: String,
        /// A UUID, the same on every retry.
        idempotency_key: String,
    },
    /// `PATCH /simulator/customers/{id}/verify` (sandbox only).
    #[serde(rename_all = "camelCase")]
    SimulateVerification {
        /// The customer's id.
        customer_id: String,
        /// A UUID, the same on every retry.
        idempotency_key: String,
    },
    /// `GET` the customer's ownership challenge.
    #[serde(rename_all = "camelCase")]
    GetChallenge {
        /// The customer's id.
        customer_id: String,
    },
    /// `POST` the wallet's signature of the challenge.
    #[serde(rename_all = "camelCase")]
    SubmitChallenge {
        /// The customer's id.
        customer_id: String,
        /// The checked submission (from `Challenge::accept_signature`).
        submission: ChallengeSubmission,
        /// A UUID, the same on every retry.
        idempotency_key: String,
    },
}

impl OffBlocksOperation {
    /// The operation's name, as the fixtures and hooks write it (`create_customer`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            OffBlocksOperation::AccessToken => "access_token",
            OffBlocksOperation::CreateCustomer { .. } => "create_customer",
            OffBlocksOperation::ListCustomers => "list_customers",
            OffBlocksOperation::GetCustomer { .. } => "get_customer",
            OffBlocksOperation::DeactivateCustomer { .. } => "deactivate_customer",
            OffBlocksOperation::ActivateCustomer { .. } => "activate_customer",
            OffBlocksOperation::SimulateVerification { .. } => "simulate_verification",
            OffBlocksOperation::GetChallenge { .. } => "get_challenge",
            OffBlocksOperation::SubmitChallenge { .. } => "submit_challenge",
        }
    }

    /// The request waiting for its signature.
    pub fn build(&self, ctx: &OffBlocks, now: DateTime<Utc>) -> Result<SigningRequest, Error> {
        match self {
            OffBlocksOperation::AccessToken => Err(Error::Internal(
                "the access token operation builds no request".into(),
            )),
            OffBlocksOperation::CreateCustomer {
                input,
                idempotency_key,
            } => ctx.build_create_customer(input, idempotency_key, now),
            OffBlocksOperation::ListCustomers => ctx.build_list_customers(now),
            OffBlocksOperation::GetCustomer { customer_id } => {
                ctx.build_get_customer(customer_id, now)
            }
            OffBlocksOperation::DeactivateCustomer {
                customer_id,
                idempotency_key,
            } => ctx.build_deactivate_customer(customer_id, idempotency_key, now),
            OffBlocksOperation::ActivateCustomer {
                customer_id,
                idempotency_key,
            } => ctx.build_activate_customer(customer_id, idempotency_key, now),
            OffBlocksOperation::SimulateVerification {
                customer_id,
                idempotency_key,
            } => ctx.build_simulator_verify(customer_id, idempotency_key, now),
            OffBlocksOperation::GetChallenge { customer_id } => {
                ctx.build_get_challenge(customer_id, now)
            }
            OffBlocksOperation::SubmitChallenge {
                customer_id,
                submission,
                idempotency_key,
            } => ctx.build_submit_challenge(customer_id, submission, idempotency_key, now),
        }
    }

    /// How OffBlocks' answers to this operation are read (which 409 means what).
    fn class(&self) -> Op {
        match self {
            OffBlocksOperation::AccessToken => Op::Token,
            OffBlocksOperation::CreateCustomer { .. } => Op::Create,
            OffBlocksOperation::ListCustomers
            | OffBlocksOperation::GetCustomer { .. }
            | OffBlocksOperation::GetChallenge { .. } => Op::Read,
            OffBlocksOperation::DeactivateCustomer { .. }
            | OffBlocksOperation::ActivateCustomer { .. }
            | OffBlocksOperation::SimulateVerification { .. } => Op::StatusChange,
            OffBlocksOperation::SubmitChallenge { .. } => Op::Other,
        }
    }

    /// The error a non-2xx answer is (as the operation's parse function reads it), else `None`.
    pub fn error_of(&self, response: &HttpResponse) -> Option<Error> {
        check_status(response, self.class()).err()
    }
}

/// The error a non-2xx answer to `POST /auth/token` is.
pub(crate) fn token_error(response: &HttpResponse) -> Option<Error> {
    check_status(response, Op::Token).err()
}
