//! Plays a tape: hands each event to the viewers when the replay's clock reaches it, says
//! where it stands several times a second, and takes the presenter's pause, speed and seek.
//! One player serves every viewer, so all of them see the same moment.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tokio::sync::{broadcast, Notify};

use super::clock::PlayClock;
use super::tape::Tape;
use crate::wire::{ReplayBreak, ReplayControl, ReplayStatus, SPEEDS};

/// How often a playing replay says where it stands (the seek bar and the page's clock).
const STATUS_EVERY: Duration = Duration::from_millis(250);
/// What a viewer may fall behind by before it is told it lagged.
const FOLLOW_BUFFER: usize = 4096;

/// What the player hands its viewers, in order.
#[derive(Debug, Clone)]
pub enum Played {
    /// The tape's entry at this index reached the clock.
    Event(usize),
    /// Where the replay stands (sent after every change too).
    Status(ReplayStatus),
}

/// A viewer joining: the entries played so far are `..played` (to send at once), then
/// everything from `receiver`; `generation` is the one those belong to.
pub struct Following {
    pub played: usize,
    pub generation: u64,
    pub receiver: broadcast::Receiver<Played>,
}

pub struct Player {
    tape: Tape,
    inner: Mutex<Inner>,
    viewers: broadcast::Sender<Played>,
    wake: Notify,
}

struct Inner {
    clock: PlayClock,
    /// Entries `..cursor` have been played.
    cursor: usize,
    generation: u64,
    finished: bool,
    status_sent: Option<Instant>,
}

impl Player {
    /// Starts playing `tape` at `speed` (1, 2 or 4) in the background; the task ends when
    /// the player is dropped. Errors: any other speed, as a sentence.
    pub fn start(tape: Tape, speed: u32) -> Result<Arc<Self>, String> {
        check_speed(speed)?;
        let player = Arc::new(Self {
            tape,
            inner: Mutex::new(Inner {
                clock: PlayClock::new(Instant::now(), speed),
                cursor: 0,
                generation: 0,
                finished: false,
                status_sent: None,
            }),
            viewers: broadcast::channel(FOLLOW_BUFFER).0,
            wake: Notify::new(),
        });
        tokio::spawn(play(Arc::downgrade(&player)));
        Ok(player)
    }

    pub fn tape(&self) -> &Tape {
        &self.tape
    }

    /// How many entries have been played.
    pub fn played(&self) -> usize {
        self.inner.lock().cursor
    }

    pub fn status(&self) -> ReplayStatus {
        let inner = self.inner.lock();
        self.describe(&inner, Instant::now())
    }

    /// Joins as a viewer; see [`Following`]. Nothing is played between what it counts as
    /// played and what its receiver gets first.
    pub fn follow(&self) -> Following {
        let inner = self.inner.lock();
        Following {
            played: inner.cursor,
            generation: inner.generation,
            receiver: self.viewers.subscribe(),
        }
    }

    /// Seeks, sets the speed and pauses or plays, in that order; answers where the replay
    /// then stands. A seek starts a new generation, and plays on from a finished replay's
    /// end. Errors (nothing changed): a speed other
    /// than 1, 2 or 4, as a sentence.
    pub fn control(&self, control: &ReplayControl) -> Result<ReplayStatus, String> {
        if let Some(speed) = control.speed {
            check_speed(speed)?;
        }
        let now = Instant::now();
        let mut inner = self.inner.lock();
        if let Some(position) = control.seek_ms {
            // After the end, a seek means "watch from here".
            let resume = inner.finished;
            self.seek(&mut inner, now, position);
            if resume {
                inner.clock.set_paused(now, false);
            }
        }
        if let Some(speed) = control.speed {
            inner.clock.set_speed(now, speed);
        }
        if let Some(paused) = control.paused {
            if !paused && inner.finished {
                self.seek(&mut inner, now, 0);
            }
            inner.clock.set_paused(now, paused);
        }
        let status = self.describe(&inner, now);
        inner.status_sent = Some(now);
        let _ = self.viewers.send(Played::Status(status.clone()));
        drop(inner);
        self.wake.notify_one();
        Ok(status)
    }

    fn seek(&self, inner: &mut Inner, now: Instant, position_ms: u64) {
        let position = position_ms.min(self.tape.duration_ms);
        inner.clock.seek(now, position);
        inner.cursor = self.tape.played_by(position);
        inner.generation += 1;
        inner.finished = false;
    }

    /// Plays what is due; answers how long until something else is (None: nothing until a
    /// control wakes it).
    fn step(&self) -> Option<Duration> {
        let now = Instant::now();
        let mut inner = self.inner.lock();
        let end = self.tape.duration_ms;
        let position = inner.clock.position(now).min(end);
        let due = self.tape.played_by(position);
        while inner.cursor < due {
            let _ = self.viewers.send(Played::Event(inner.cursor));
            inner.cursor += 1;
        }
        let at_end = inner.cursor == self.tape.entries.len() && position >= end;
        let ended = at_end && !inner.finished && !inner.clock.paused();
        if ended {
            inner.clock.seek(now, end);
            inner.clock.set_paused(now, true);
            inner.finished = true;
        }
        let status_due = inner
            .status_sent
            .is_none_or(|sent| now.duration_since(sent) >= STATUS_EVERY);
        if ended || (status_due && !inner.clock.paused()) {
            let _ = self
                .viewers
                .send(Played::Status(self.describe(&inner, now)));
            inner.status_sent = Some(now);
        }
        let next = self
            .tape
            .entries
            .get(inner.cursor)
            .and_then(|entry| inner.clock.until(now, entry.offset_ms));
        match (next, inner.clock.paused()) {
            (_, true) => None,
            (Some(next), false) => Some(next.min(STATUS_EVERY)),
            (None, false) => Some(STATUS_EVERY),
        }
    }

    fn describe(&self, inner: &Inner, now: Instant) -> ReplayStatus {
        let tape = &self.tape;
        let position_ms = inner.clock.position(now).min(tape.duration_ms);
        ReplayStatus {
            file: tape.file.clone(),
            name: tape.header.name.clone(),
            environment: tape.header.environment.clone(),
            started_at_ms: tape.header.started_at_ms,
            first_at_ms: tape.first_at_ms,
            duration_ms: tape.duration_ms,
            position_ms,
            at_ms: tape
                .first_at_ms
                .saturating_add(i64::try_from(position_ms).unwrap_or(i64::MAX)),
            speed: inner.clock.speed(),
            paused: inner.clock.paused(),
            finished: inner.finished,
            events: tape.entries.len(),
            played: inner.cursor,
            generation: inner.generation,
            break_at: tape.break_at.as_ref().map(|b| ReplayBreak {
                offset: b.offset,
                reason: b.reason.clone(),
            }),
        }
    }
}

/// The player's task: plays what is due, then sleeps until the next entry is, a status is
/// or a control changes something; ends once the player is gone.
async fn play(player: Weak<Player>) {
    loop {
        let Some(strong) = player.upgrade() else {
            return;
        };
        let wait = strong.step();
        let woken = async {
            match wait {
                Some(wait) => {
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = strong.wake.notified() => {}
                    }
                }
                // Paused: rechecked now and then, so a dropped player's task ends.
                None => {
                    let _ =
                        tokio::time::timeout(Duration::from_secs(1), strong.wake.notified()).await;
                }
            }
        };
        woken.await;
    }
}

fn check_speed(speed: u32) -> Result<(), String> {
    if SPEEDS.contains(&speed) {
        Ok(())
    } else {
        Err(format!(
            "a replay plays at 1×, 2× or 4× the recorded pace, not {speed}×"
        ))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::recording::{Header, Recording};

    /// A tape of `count` events, one every `every_ms`.
    fn tape(count: usize, every_ms: i64) -> Tape {
        let events: Vec<Value> = (0..count)
            .map(|i| json!({"seq": i, "atMs": 1_000_000 + i as i64 * every_ms, "type": "signal"}))
            .collect();
        Tape::new(
            "t".into(),
            Recording {
                header: Header::new("rehearsal", None),
                snapshot: None,
                events,
                break_at: None,
            },
        )
    }

    async fn next_event(following: &mut Following) -> usize {
        loop {
            match following.receiver.recv().await.expect("played") {
                Played::Event(index) => return index,
                Played::Status(_) => {}
            }
        }
    }

    #[tokio::test]
    async fn plays_every_event_in_order_at_its_pace_then_stands_finished() {
        let player = Player::start(tape(5, 200), 4).expect("4× is a speed");
        let mut following = player.follow();
        let started = Instant::now();
        let mut seen = Vec::new();
        for _ in 0..5 - following.played {
            seen.push(next_event(&mut following).await);
        }
        let expected: Vec<usize> = (following.played..5).collect();
        assert_eq!(seen, expected);
        // 800 ms of recording at 4×: about 200 ms (generous either way).
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(150), "{took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
        let finished = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                if let Played::Status(status) = following.receiver.recv().await.unwrap() {
                    if status.finished {
                        return status;
                    }
                }
            }
        })
        .await
        .expect("a finished status");
        assert!(finished.paused);
        assert_eq!((finished.played, finished.position_ms), (5, 800));
    }

    #[tokio::test]
    async fn a_seek_starts_a_new_generation_at_that_point_and_play_after_the_end_starts_over() {
        let player = Player::start(tape(10, 1000), 1).expect("speed");
        let paused = player
            .control(&ReplayControl {
                seek_ms: Some(4500),
                paused: Some(true),
                ..ReplayControl::default()
            })
            .expect("a valid control");
        assert_eq!((paused.position_ms, paused.played), (4500, 5));
        assert_eq!(paused.generation, 1);
        assert_eq!(player.follow().played, 5);
        let end = player
            .control(&ReplayControl {
                seek_ms: Some(u64::MAX),
                paused: Some(false),
                ..ReplayControl::default()
            })
            .expect("valid");
        assert_eq!(end.position_ms, 9000);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(player.status().finished);
        let again = player
            .control(&ReplayControl {
                paused: Some(false),
                ..ReplayControl::default()
            })
            .expect("valid");
        assert!(!again.finished && !again.paused);
        assert!(again.position_ms < 1000, "{again:?}");
        assert_eq!(again.generation, 3);
    }

    #[tokio::test]
    async fn a_speed_other_than_1_2_or_4_is_refused_and_changes_nothing() {
        assert!(Player::start(tape(1, 1), 3).is_err());
        let player = Player::start(tape(3, 1000), 1).expect("speed");
        let refused = player
            .control(&ReplayControl {
                seek_ms: Some(2000),
                speed: Some(8),
                paused: None,
            })
            .expect_err("8× is not a speed");
        assert_eq!(
            refused,
            "a replay plays at 1×, 2× or 4× the recorded pace, not 8×"
        );
        let status = player.status();
        assert_eq!((status.speed, status.generation), (1, 0));
    }
}
