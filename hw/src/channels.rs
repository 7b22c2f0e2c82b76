//! Channels: each region's 5.9 GHz ITS channel plan, and IEEE 1609.4 channel access
//! (continuous, or alternating between the control channel and a service channel).
//!
//! Channel numbers are the IEEE 802.11 5 GHz numbers (centre = 5000 + 5 × n MHz). The US
//! 20 MHz C-V2X channel 5905–5925 MHz is 183, the number USDOT V2X Hub and RSU 4.1
//! configurations use; China's LTE-V2X band (5905–5925 MHz) is the same 20 MHz channel.

use std::fmt;
use std::time::Duration;

/// The regulatory region whose channel plan applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    /// United States (FCC 47 CFR 90/95; since FCC 20-164 only 5.895–5.925 GHz).
    Us,
    /// Europe (ETSI EN 302 571, ITS-G5).
    Eu,
    /// China (MIIT 2018: 5905–5925 MHz for LTE-V2X direct communication).
    Cn,
}

/// The access technology on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Technology {
    /// IEEE 802.11p with 1609.4 (US DSRC) or EN 302 663 (EU ITS-G5): 10 MHz channels.
    Ofdm80211p,
    /// LTE-V2X PC5 sidelink (C-V2X): one 20 MHz channel.
    LteV2x,
}

/// What a channel is for in its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelRole {
    /// 1609.4 control channel (US 178) or the ITS-G5 control channel (EU 180).
    Control,
    /// A service channel.
    Service,
    /// US 172: critical safety of life (BSM, and in DSRC-era deployments SPaT/MAP).
    SafetyOfLife,
    /// US 184: high-power public safety.
    PublicSafety,
    /// The single C-V2X channel.
    Sidelink,
}

/// A channel of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChannelDef {
    pub number: u8,
    pub width_mhz: u8,
    pub role: ChannelRole,
}

const fn ch(number: u8, width_mhz: u8, role: ChannelRole) -> ChannelDef {
    ChannelDef {
        number,
        width_mhz,
        role,
    }
}

use ChannelRole::*;

const US_DSRC: &[ChannelDef] = &[
    ch(172, 10, SafetyOfLife),
    ch(174, 10, Service),
    ch(176, 10, Service),
    ch(178, 10, Control),
    ch(180, 10, Service),
    ch(182, 10, Service),
    ch(184, 10, PublicSafety),
];
// EN 302 663: ITS-G5B 172–174, ITS-G5A 176–180 with the control channel on 180 (5900 MHz),
// ITS-G5D 182–184.
const EU_G5: &[ChannelDef] = &[
    ch(172, 10, Service),
    ch(174, 10, Service),
    ch(176, 10, Service),
    ch(178, 10, Service),
    ch(180, 10, Control),
    ch(182, 10, Service),
    ch(184, 10, Service),
];
const SIDELINK_183: &[ChannelDef] = &[ch(183, 20, Sidelink)];

/// A region's channel plan for one technology.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelPlan {
    pub region: Region,
    pub technology: Technology,
    channels: &'static [ChannelDef],
}

/// Why a channel or channel configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    #[error("channel {channel} is not in the {plan} channel plan (channels: {allowed})")]
    NotInPlan {
        channel: u8,
        plan: String,
        allowed: String,
    },
    #[error("{plan}: there is no such plan (China has no 802.11p ITS band)")]
    NoPlan { plan: String },
    #[error("a frame asked for channel {requested}, but the radio is on {tuned}")]
    NotTuned { requested: u8, tuned: String },
    #[error(
        "alternating access needs the control channel {cch} and a different service channel, got {sch}"
    )]
    BadAlternation { cch: u8, sch: u8 },
}

impl fmt::Display for ChannelPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let region = match self.region {
            Region::Us => "US",
            Region::Eu => "EU",
            Region::Cn => "CN",
        };
        let tech = match (self.region, self.technology) {
            (Region::Us, Technology::Ofdm80211p) => "DSRC",
            (_, Technology::Ofdm80211p) => "ITS-G5",
            (_, Technology::LteV2x) => "C-V2X",
        };
        write!(f, "{region} {tech}")
    }
}

impl ChannelPlan {
    /// The plan of a region and technology.
    pub fn new(region: Region, technology: Technology) -> Result<ChannelPlan, ChannelError> {
        let channels = match (region, technology) {
            (Region::Us, Technology::Ofdm80211p) => US_DSRC,
            (Region::Eu, Technology::Ofdm80211p) => EU_G5,
            (_, Technology::LteV2x) => SIDELINK_183,
            (Region::Cn, Technology::Ofdm80211p) => {
                return Err(ChannelError::NoPlan {
                    plan: "CN ITS-G5".into(),
                });
            }
        };
        Ok(ChannelPlan {
            region,
            technology,
            channels,
        })
    }

    pub fn channels(&self) -> &'static [ChannelDef] {
        self.channels
    }

    /// The channel's definition, or why it is not in this plan.
    pub fn get(&self, number: u8) -> Result<ChannelDef, ChannelError> {
        self.channels
            .iter()
            .find(|c| c.number == number)
            .copied()
            .ok_or_else(|| ChannelError::NotInPlan {
                channel: number,
                plan: self.to_string(),
                allowed: self
                    .channels
                    .iter()
                    .map(|c| c.number.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The plan's control channel, if it has one (802.11p plans).
    pub fn control_channel(&self) -> Option<u8> {
        self.channels
            .iter()
            .find(|c| c.role == Control)
            .map(|c| c.number)
    }

    /// The default channel an RSU broadcasts SPaT/MAP on: 183 for C-V2X (USDOT V2X Hub and
    /// vendor defaults), 172 for US DSRC, 180 for ITS-G5.
    pub fn default_channel(&self) -> u8 {
        match (self.region, self.technology) {
            (_, Technology::LteV2x) => 183,
            (Region::Us, _) => 172,
            _ => 180,
        }
    }
}

/// Centre frequency of a 5 GHz channel number, in MHz.
pub const fn centre_mhz(channel: u8) -> u16 {
    5000 + 5 * channel as u16
}

/// The 5 GHz channel number of a centre frequency, if it is on the 5 MHz raster.
pub const fn channel_of_mhz(mhz: u16) -> Option<u8> {
    if mhz < 5000 || !(mhz - 5000).is_multiple_of(5) || (mhz - 5000) / 5 > 255 {
        None
    } else {
        Some(((mhz - 5000) / 5) as u8)
    }
}

/// 1609.4 sync interval: 100 ms, aligned to the UTC second.
pub const SYNC_INTERVAL: Duration = Duration::from_millis(100);
/// Each of the CCH and SCH intervals: half the sync interval.
pub const CHANNEL_INTERVAL: Duration = Duration::from_millis(50);
/// The guard at the start of each interval (SyncTolerance + MaxChSwitchTime, 1609.4 Table H.1).
pub const GUARD_INTERVAL: Duration = Duration::from_millis(4);

/// Which interval of the 1609.4 sync interval a moment falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// Time slot 0: the control channel.
    Control,
    /// Time slot 1: the service channel.
    Service,
}

/// How the radio uses its channels (1609.4 §5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelAccess {
    /// Always on one channel: what RSUs broadcasting SPaT/MAP use, and the only mode for C-V2X.
    Continuous { channel: u8 },
    /// Control channel in time slot 0, a service channel in time slot 1.
    Alternating { cch: u8, sch: u8 },
}

/// A radio's channel configuration, checked against its region's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelConfig {
    plan: ChannelPlan,
    access: ChannelAccess,
}

impl ChannelConfig {
    /// Checks that every channel the access uses is in the plan, and that alternating access
    /// alternates between the plan's control channel and another of its channels.
    pub fn new(plan: ChannelPlan, access: ChannelAccess) -> Result<ChannelConfig, ChannelError> {
        match access {
            ChannelAccess::Continuous { channel } => {
                plan.get(channel)?;
            }
            ChannelAccess::Alternating { cch, sch } => {
                plan.get(cch)?;
                plan.get(sch)?;
                if plan.control_channel() != Some(cch) || sch == cch {
                    return Err(ChannelError::BadAlternation { cch, sch });
                }
            }
        }
        Ok(ChannelConfig { plan, access })
    }

    /// Continuous access on the plan's default channel.
    pub fn default_for(plan: ChannelPlan) -> ChannelConfig {
        ChannelConfig {
            plan,
            access: ChannelAccess::Continuous {
                channel: plan.default_channel(),
            },
        }
    }

    pub fn plan(&self) -> ChannelPlan {
        self.plan
    }

    pub fn access(&self) -> ChannelAccess {
        self.access
    }

    /// The channel frames go on when they name none: the continuous channel, or the service
    /// channel when alternating (the control channel carries WSAs, not application data).
    pub fn primary(&self) -> u8 {
        match self.access {
            ChannelAccess::Continuous { channel } => channel,
            ChannelAccess::Alternating { sch, .. } => sch,
        }
    }

    /// The channel a frame goes on: the one it asks for, which the radio must be tuned to,
    /// or [`ChannelConfig::primary`].
    pub fn check_tx(&self, requested: Option<u8>) -> Result<u8, ChannelError> {
        let Some(requested) = requested else {
            return Ok(self.primary());
        };
        let tuned = match self.access {
            ChannelAccess::Continuous { channel } => requested == channel,
            ChannelAccess::Alternating { cch, sch } => requested == cch || requested == sch,
        };
        if tuned {
            Ok(requested)
        } else {
            Err(ChannelError::NotTuned {
                requested,
                tuned: match self.access {
                    ChannelAccess::Continuous { channel } => channel.to_string(),
                    ChannelAccess::Alternating { cch, sch } => {
                        format!("{cch} and {sch} alternately")
                    }
                },
            })
        }
    }

    /// How long a frame for `channel` (already accepted by [`ChannelConfig::check_tx`]) must
    /// wait, at `utc` (time since any UTC second boundary, e.g. since the Unix epoch), before
    /// the radio is on that channel and out of the guard interval. Zero when continuous.
    pub fn wait_for(&self, channel: u8, utc: Duration) -> Duration {
        let ChannelAccess::Alternating { cch, .. } = self.access else {
            return Duration::ZERO;
        };
        let want = if channel == cch {
            Interval::Control
        } else {
            Interval::Service
        };
        let sync = SYNC_INTERVAL.as_nanos();
        let into = Duration::from_nanos((utc.as_nanos() % sync) as u64);
        // Start of the usable part of the wanted interval within this sync interval.
        let open = match want {
            Interval::Control => GUARD_INTERVAL,
            Interval::Service => CHANNEL_INTERVAL + GUARD_INTERVAL,
        };
        let close = open - GUARD_INTERVAL + CHANNEL_INTERVAL;
        if into >= open && into < close {
            Duration::ZERO
        } else if into < open {
            open - into
        } else {
            SYNC_INTERVAL - into + open
        }
    }

    /// The interval a moment falls in, for alternating access.
    pub fn interval_at(utc: Duration) -> Interval {
        if utc.as_nanos() % SYNC_INTERVAL.as_nanos() < CHANNEL_INTERVAL.as_nanos() {
            Interval::Control
        } else {
            Interval::Service
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn plans_hold_their_regions_channels() {
        let us = ChannelPlan::new(Region::Us, Technology::Ofdm80211p).unwrap();
        assert_eq!(us.control_channel(), Some(178));
        assert_eq!(us.get(172).unwrap().role, SafetyOfLife);
        assert_eq!(us.default_channel(), 172);
        assert!(matches!(
            us.get(183),
            Err(ChannelError::NotInPlan { channel: 183, .. })
        ));
        let cv2x = ChannelPlan::new(Region::Us, Technology::LteV2x).unwrap();
        assert_eq!(cv2x.default_channel(), 183);
        assert_eq!(cv2x.control_channel(), None);
        assert!(cv2x.get(172).is_err());
        let eu = ChannelPlan::new(Region::Eu, Technology::Ofdm80211p).unwrap();
        assert_eq!(eu.control_channel(), Some(180));
        assert_eq!(eu.default_channel(), 180);
        let cn = ChannelPlan::new(Region::Cn, Technology::LteV2x).unwrap();
        assert_eq!((centre_mhz(183) - 10, centre_mhz(183) + 10), (5905, 5925));
        assert_eq!(cn.get(183).unwrap().width_mhz, 20);
        assert!(ChannelPlan::new(Region::Cn, Technology::Ofdm80211p).is_err());
        assert_eq!(centre_mhz(172), 5860);
        assert_eq!(centre_mhz(180), 5900);
        assert_eq!(channel_of_mhz(5890), Some(178));
        assert_eq!(channel_of_mhz(5892), None);
        assert_eq!(channel_of_mhz(4000), None);
    }

    #[test]
    fn frames_must_ask_for_a_tuned_channel() {
        let us = ChannelPlan::new(Region::Us, Technology::Ofdm80211p).unwrap();
        let cont = ChannelConfig::new(us, ChannelAccess::Continuous { channel: 172 }).unwrap();
        assert_eq!(cont.check_tx(None), Ok(172));
        assert_eq!(cont.check_tx(Some(172)), Ok(172));
        let err = cont.check_tx(Some(178)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a frame asked for channel 178, but the radio is on 172"
        );
        assert!(ChannelConfig::new(us, ChannelAccess::Continuous { channel: 183 }).is_err());
        let alt =
            ChannelConfig::new(us, ChannelAccess::Alternating { cch: 178, sch: 182 }).unwrap();
        assert_eq!(alt.check_tx(None), Ok(182));
        assert_eq!(alt.check_tx(Some(178)), Ok(178));
        assert!(alt.check_tx(Some(172)).is_err());
        assert!(matches!(
            ChannelConfig::new(us, ChannelAccess::Alternating { cch: 172, sch: 182 }),
            Err(ChannelError::BadAlternation { .. })
        ));
    }

    #[test]
    fn alternating_access_waits_for_its_interval_past_the_guard() {
        let us = ChannelPlan::new(Region::Us, Technology::Ofdm80211p).unwrap();
        let alt =
            ChannelConfig::new(us, ChannelAccess::Alternating { cch: 178, sch: 182 }).unwrap();
        let second = Duration::from_secs(1_700_000_000);
        // CCH usable 4..50 ms, SCH usable 54..100 ms of each sync interval.
        assert_eq!(alt.wait_for(178, second), ms(4));
        assert_eq!(alt.wait_for(178, second + ms(4)), ms(0));
        assert_eq!(alt.wait_for(178, second + ms(49)), ms(0));
        assert_eq!(alt.wait_for(178, second + ms(50)), ms(54));
        assert_eq!(alt.wait_for(182, second), ms(54));
        assert_eq!(alt.wait_for(182, second + ms(52)), ms(2));
        assert_eq!(alt.wait_for(182, second + ms(99)), ms(0));
        assert_eq!(alt.wait_for(182, second + ms(100)), ms(54));
        assert_eq!(
            ChannelConfig::interval_at(second + ms(30)),
            Interval::Control
        );
        assert_eq!(
            ChannelConfig::interval_at(second + ms(130)),
            Interval::Control
        );
        assert_eq!(
            ChannelConfig::interval_at(second + ms(51)),
            Interval::Service
        );
        let cont = ChannelConfig::default_for(us);
        assert_eq!(cont.wait_for(172, second + ms(77)), Duration::ZERO);
    }
}
