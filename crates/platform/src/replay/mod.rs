//! Replay: a recording (see `recording/`) played back through the same dashboard at 1×, 2×
//! or 4×, with pause and seek. The player hands the recorded events to viewers when its
//! clock reaches them; `Moment` answers the read API as it stood at that point. What a
//! broken file still holds plays; where it breaks is in the replay's status.

mod clock;
mod moment;
mod player;
mod tape;

pub use moment::Moment;
pub use player::{Following, Played, Player};
pub use tape::{Entry, Tape};
