//! The providers Clientele speaks to.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Which provider an error or value comes from.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum Provider {
    /// Bloc (api.blochq.io).
    Bloc,
    /// OffBlocks (api.offblocks.xyz).
    OffBlocks,
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::Bloc => "Bloc",
            Provider::OffBlocks => "OffBlocks",
        })
    }
}
