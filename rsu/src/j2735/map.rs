//! J2735 MapData: built from the intersection model, or loaded from a file.
//!
//! - [`build_map`] turns the model's geometry into one IntersectionGeometry, refusing what
//!   J2735 cannot carry (with the lane, node or field named) instead of cutting it.
//! - [`parse_map`] / [`load_map_file`] read the forms MAP authoring tools write: JER text
//!   (a MessageFrame or a bare MapData), UPER as binary or hex text, with or without the
//!   MessageFrame (rsu-system.md §2.4, V2X Hub #398: tools differ on the frame header).
//! - [`check_consistency`] ties a MAP to the configured signal groups, the link SPaT relies on.
//! - [`RevisionStore`] keeps msgIssueRevision moving when, and only when, the content changes,
//!   across restarts.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rasn::types::{BitString, Ia5String};
use rsu_codecs::j2735::{
    AllowedManeuvers, ApproachID, ConnectingLane, Connection as J2735Connection, ConnectsToList,
    DSRCmsgID, DescriptiveName, Elevation, GenericLane, IntersectionGeometry,
    IntersectionGeometryList, LaneAttributes, LaneAttributesBike, LaneAttributesCrosswalk,
    LaneAttributesSidewalk, LaneAttributesVehicle, LaneConnectionID,
    LaneDirection as J2735LaneDirection, LaneID, LaneList, LaneSharing, LaneTypeAttributes,
    LaneWidth, Latitude, Longitude, MapData, MessageFrame, MsgCount, NodeListXY, NodeOffsetPointXY,
    NodeSetXY, NodeXY, NodeXY20b, NodeXY22b, NodeXY24b, NodeXY26b, NodeXY28b, NodeXY32b, OffsetB10,
    OffsetB11, OffsetB12, OffsetB13, OffsetB14, OffsetB16, Position3D, RegulatorySpeedLimit,
    SignalGroupID, SpeedLimitList, SpeedLimitType, Velocity,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::intersection::{Intersection, Lane, LaneDirection, LaneKind, Maneuver};
use crate::j2735::spat::intersection_reference;

/// J2735 DescriptiveName holds 1..=63 IA5 characters.
const NAME_MAX: usize = 63;
/// J2735 NodeSetXY holds 2..=63 nodes.
const NODES: std::ops::RangeInclusive<usize> = 2..=63;
/// J2735 ConnectsToList holds 1..=16 connections.
const CONNECTIONS_MAX: usize = 16;
/// J2735 LaneList holds 1..=255 lanes.
const LANES_MAX: usize = 255;

/// Why a MAP could not be built, read or given a revision.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MapError {
    /// The intersection has no geometry to build a MAP from.
    #[error("intersection {id}: no geometry configured, so no MAP can be built from it")]
    NoGeometry {
        /// The IntersectionID.
        id: u16,
    },
    /// A geometry without lanes (J2735 LaneList holds 1..=255).
    #[error("geometry.lanes: {count} lanes; J2735 LaneList holds 1..=255")]
    LaneCount {
        /// How many lanes there are.
        count: usize,
    },
    /// Two lanes share an id.
    #[error("lane {lane}: the lane id is used by more than one lane")]
    DuplicateLane {
        /// The LaneID.
        lane: u8,
    },
    /// Lane id 0 (J2735: "not available"), which no connection could name.
    #[error("lane 0: LaneID 0 means \"not available\"; lane ids are 1..=255")]
    LaneIdZero,
    /// A lane with too few (or too many) nodes.
    #[error("lane {lane}: {count} nodes; a lane needs 2..=63")]
    NodeCount {
        /// The LaneID.
        lane: u8,
        /// How many nodes it has.
        count: usize,
    },
    /// A node too far from the previous one (the first: from the reference point) for any
    /// node-XY form (node-XY6 holds ±327.67 m).
    #[error(
        "lane {lane} node {node}: offset ({dx}, {dy}) cm from the {from} is beyond ±32767 cm \
         (node-XY6); add intermediate nodes"
    )]
    NodeOffsetTooLarge {
        /// The LaneID.
        lane: u8,
        /// The node's index in the lane, from 0.
        node: usize,
        /// East offset in cm.
        dx: i64,
        /// North offset in cm.
        dy: i64,
        /// "reference point" or "previous node".
        from: &'static str,
    },
    /// A connection to a lane the intersection does not have.
    #[error("lane {lane} connection {index}: lane {to_lane} does not exist")]
    UnknownConnectingLane {
        /// The lane the connection starts from.
        lane: u8,
        /// The connection's index in the lane, from 0.
        index: usize,
        /// The lane it names.
        to_lane: u8,
    },
    /// A connection to a lane traffic cannot leave the intersection by.
    #[error(
        "lane {lane} connection {index}: lane {to_lane} is an ingress lane; a connection \
         must lead to an egress (or two-way) lane"
    )]
    NotEgress {
        /// The lane the connection starts from.
        lane: u8,
        /// The connection's index in the lane, from 0.
        index: usize,
        /// The lane it names.
        to_lane: u8,
    },
    /// Two connections share a LaneConnectionID.
    #[error(
        "lane {lane} connection {index}: connection id {connection_id} is already used by \
         lane {first_lane}"
    )]
    DuplicateConnectionId {
        /// The lane of the second use.
        lane: u8,
        /// The connection's index in that lane, from 0.
        index: usize,
        /// The LaneConnectionID.
        connection_id: u8,
        /// The lane of the first use.
        first_lane: u8,
    },
    /// A connection controlled by a signal group the intersection does not configure.
    #[error("lane {lane} connection {index}: signal group {signal_group} is not configured")]
    UnknownSignalGroup {
        /// The lane the connection starts from.
        lane: u8,
        /// The connection's index in the lane, from 0.
        index: usize,
        /// The SignalGroupID.
        signal_group: u8,
    },
    /// More connections than J2735 ConnectsToList holds.
    #[error("lane {lane}: {count} connections; J2735 ConnectsToList holds at most 16")]
    TooManyConnections {
        /// The LaneID.
        lane: u8,
        /// How many connections it has.
        count: usize,
    },
    /// A name longer than a DescriptiveName.
    #[error("{field}: {len} characters; a J2735 DescriptiveName holds at most 63")]
    NameTooLong {
        /// Which name (`name`, `lane 3 name`).
        field: String,
        /// Its length in characters.
        len: usize,
    },
    /// A name with a character outside IA5 (ASCII).
    #[error("{field}: character {ch:?} at {index} is not ASCII (J2735 names are IA5 text)")]
    NameNotAscii {
        /// Which name.
        field: String,
        /// The character.
        ch: char,
        /// Its index in characters.
        index: usize,
    },
    /// A number J2735 cannot carry.
    #[error("{field}: {value} outside {range}")]
    OutOfRange {
        /// The model's field.
        field: String,
        /// The value given.
        value: i64,
        /// What J2735 accepts (in the model's units).
        range: &'static str,
    },
    /// The encoder refused the MapData (when hashing it for its revision).
    #[error("MapData encoding: {0}")]
    Encode(String),
    /// The MAP file could not be read.
    #[error("{path}: {reason}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        reason: String,
    },
    /// Something went wrong with a MAP file's content.
    #[error("{path}: {error}")]
    File {
        /// The file.
        path: PathBuf,
        /// What was wrong with it.
        error: Box<MapError>,
    },
    /// A valid MessageFrame of another message type.
    #[error("a {message} MessageFrame, not a MapData")]
    NotMapData {
        /// The message it carries, e.g. `SPAT (messageId 19)`.
        message: String,
    },
    /// Input that is a MapData in none of the accepted forms.
    #[error("not a MapData; tried {}", tried.join("; "))]
    Unreadable {
        /// Each form tried and why it failed.
        tried: Vec<String>,
    },
}

/// The smallest node-XY form holding an offset of (`dx`, `dy`) cm (J2735 NodeOffsetPointXY):
/// node-XY1 (Offset-B10, −512..=511) up to node-XY6 (Offset-B16, −32768..=32767); `None`
/// beyond.
pub fn node_offset(dx: i64, dy: i64) -> Option<NodeOffsetPointXY> {
    let fits = |bits: u32| {
        let half = 1i64 << (bits - 1);
        (-half..half).contains(&dx) && (-half..half).contains(&dy)
    };
    // Each arm's range check makes the narrowing exact.
    let (x, y) = (dx as i16, dy as i16);
    Some(if fits(10) {
        NodeOffsetPointXY::NodeXY1(NodeXY20b {
            x: OffsetB10(x),
            y: OffsetB10(y),
        })
    } else if fits(11) {
        NodeOffsetPointXY::NodeXY2(NodeXY22b {
            x: OffsetB11(x),
            y: OffsetB11(y),
        })
    } else if fits(12) {
        NodeOffsetPointXY::NodeXY3(NodeXY24b {
            x: OffsetB12(x),
            y: OffsetB12(y),
        })
    } else if fits(13) {
        NodeOffsetPointXY::NodeXY4(NodeXY26b {
            x: OffsetB13(x),
            y: OffsetB13(y),
        })
    } else if fits(14) {
        NodeOffsetPointXY::NodeXY5(NodeXY28b {
            x: OffsetB14(x),
            y: OffsetB14(y),
        })
    } else if fits(16) {
        NodeOffsetPointXY::NodeXY6(NodeXY32b {
            x: OffsetB16(x),
            y: OffsetB16(y),
        })
    } else {
        return None;
    })
}

/// A speed in km/h as J2735 Velocity (0.02 m/s units, to the nearest): 1 km/h = 125/9 units.
/// `None` above 8190 units (589 km/h; 8191 means "unavailable").
pub fn velocity_from_kmh(kmh: u16) -> Option<Velocity> {
    let units = (u32::from(kmh) * 250 + 9) / 18;
    u16::try_from(units)
        .ok()
        .filter(|u| *u < Velocity::UNAVAILABLE.0)
        .map(Velocity)
}

/// A name from the model as a DescriptiveName: ASCII only, at most 63 characters, refused
/// otherwise (a MAP is published once and read for years: it is not silently rewritten);
/// empty means absent.
fn map_name(text: &str, field: impl Fn() -> String) -> Result<Option<DescriptiveName>, MapError> {
    if let Some((index, ch)) = text.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
        return Err(MapError::NameNotAscii {
            field: field(),
            ch,
            index,
        });
    }
    if text.len() > NAME_MAX {
        return Err(MapError::NameTooLong {
            field: field(),
            len: text.len(),
        });
    }
    if text.is_empty() {
        return Ok(None);
    }
    Ia5String::from_iso646_bytes(text.as_bytes())
        .map(|s| Some(DescriptiveName(s)))
        .map_err(|_| MapError::NameNotAscii {
            field: field(),
            ch: '?',
            index: 0,
        })
}

fn out_of_range(field: &str, value: impl Into<i64>, range: &'static str) -> MapError {
    MapError::OutOfRange {
        field: field.to_owned(),
        value: value.into(),
        range,
    }
}

fn maneuver_bit(maneuver: Maneuver) -> usize {
    match maneuver {
        Maneuver::Straight => AllowedManeuvers::MANEUVER_STRAIGHT_ALLOWED,
        Maneuver::Left => AllowedManeuvers::MANEUVER_LEFT_ALLOWED,
        Maneuver::Right => AllowedManeuvers::MANEUVER_RIGHT_ALLOWED,
        Maneuver::UTurn => AllowedManeuvers::MANEUVER_U_TURN_ALLOWED,
    }
}

fn allowed_maneuvers(maneuvers: impl IntoIterator<Item = Maneuver>) -> AllowedManeuvers {
    let mut bits = BitString::repeat(false, 12);
    for m in maneuvers {
        bits.set(maneuver_bit(m), true);
    }
    AllowedManeuvers(bits)
}

fn lane_attributes(lane: &Lane) -> LaneAttributes {
    let mut direction = BitString::repeat(false, 2);
    if matches!(lane.direction, LaneDirection::Ingress | LaneDirection::Both) {
        direction.set(J2735LaneDirection::INGRESS_PATH, true);
    }
    if matches!(lane.direction, LaneDirection::Egress | LaneDirection::Both) {
        direction.set(J2735LaneDirection::EGRESS_PATH, true);
    }
    // The model has no per-type flags: each type's bits are sent, all clear, at their size.
    let lane_type = match lane.kind {
        LaneKind::Vehicle => {
            LaneTypeAttributes::Vehicle(LaneAttributesVehicle(BitString::repeat(false, 8)))
        }
        LaneKind::Crosswalk => {
            LaneTypeAttributes::Crosswalk(LaneAttributesCrosswalk(BitString::repeat(false, 16)))
        }
        LaneKind::Bike => {
            LaneTypeAttributes::BikeLane(LaneAttributesBike(BitString::repeat(false, 16)))
        }
        LaneKind::Sidewalk => {
            LaneTypeAttributes::Sidewalk(LaneAttributesSidewalk(BitString::repeat(false, 16)))
        }
    };
    LaneAttributes {
        directional_use: J2735LaneDirection(direction),
        shared_with: LaneSharing(BitString::repeat(false, 10)),
        lane_type,
        regional: None,
    }
}

/// The lane's nodes: the first as its offset from the reference point, each next one as its
/// offset from the one before, each in the smallest form that holds it.
fn node_list(lane: &Lane) -> Result<NodeListXY, MapError> {
    if !NODES.contains(&lane.nodes_cm.len()) {
        return Err(MapError::NodeCount {
            lane: lane.id,
            count: lane.nodes_cm.len(),
        });
    }
    let mut previous = (0i64, 0i64);
    let mut nodes = Vec::with_capacity(lane.nodes_cm.len());
    for (node, &(x, y)) in lane.nodes_cm.iter().enumerate() {
        let (x, y) = (i64::from(x), i64::from(y));
        let (dx, dy) = (x - previous.0, y - previous.1);
        let delta = node_offset(dx, dy).ok_or(MapError::NodeOffsetTooLarge {
            lane: lane.id,
            node,
            dx,
            dy,
            from: if node == 0 {
                "reference point"
            } else {
                "previous node"
            },
        })?;
        nodes.push(NodeXY::new(delta));
        previous = (x, y);
    }
    Ok(NodeListXY::Nodes(NodeSetXY(nodes)))
}

fn approach(lane: &Lane) -> Result<Option<ApproachID>, MapError> {
    match lane.approach {
        None => Ok(None),
        Some(a @ 1..=15) => Ok(Some(ApproachID(a))),
        Some(a) => Err(out_of_range(
            &format!("lane {} approach", lane.id),
            a,
            "1..=15",
        )),
    }
}

/// The J2735 reference point of a GeoPoint: Latitude and Longitude in 1e-7 degrees,
/// Elevation in 0.1 m. Longitude −180° is sent as +180° (the same meridian), because J2735
/// Longitude starts at −179.9999999°.
pub fn reference_point(p: &crate::intersection::GeoPoint) -> Result<Position3D, MapError> {
    const LAT: i32 = 900_000_000;
    const LON: i32 = 1_800_000_000;
    if !(-LAT..=LAT).contains(&p.lat_1e7) {
        return Err(out_of_range(
            "geometry.reference.lat_1e7",
            p.lat_1e7,
            "-900000000..=900000000",
        ));
    }
    if !(-LON..=LON).contains(&p.lon_1e7) {
        return Err(out_of_range(
            "geometry.reference.lon_1e7",
            p.lon_1e7,
            "-1800000000..=1800000000",
        ));
    }
    let lon = if p.lon_1e7 == -LON { LON } else { p.lon_1e7 };
    let mut position = Position3D::new(Latitude(p.lat_1e7), Longitude(lon));
    position.elevation = match p.elevation_dm {
        None => None,
        // −4096 is J2735's "unknown": a known elevation is above it.
        Some(e) if (Elevation::UNAVAILABLE.0 + 1..=61_439).contains(&e) => Some(Elevation(e)),
        Some(e) => {
            return Err(out_of_range(
                "geometry.reference.elevation_dm",
                e,
                "-4095..=61439",
            ));
        }
    };
    Ok(position)
}

/// Builds the J2735 MapData of one intersection from its geometry (J2735 MapData,
/// IntersectionGeometry), with `revision` as both msgIssueRevision and the geometry's
/// revision (taken modulo 128; [`RevisionStore`] keeps it). The caller sets `time_stamp`
/// (MinuteOfTheYear) if it wants one.
///
/// Refused, with the lane, node or field named: no geometry or lanes, a duplicate or zero
/// lane id, fewer than 2 or more than 63 nodes, a node offset beyond node-XY6, a connection
/// to a missing or ingress-only lane, a repeated connection id, a signal group that is not
/// configured, more than 16 connections on a lane, names that are not ASCII or longer than
/// 63 characters, and numbers outside their J2735 ranges.
pub fn build_map(intersection: &Intersection, revision: u8) -> Result<MapData, MapError> {
    let geometry = intersection.geometry.as_ref().ok_or(MapError::NoGeometry {
        id: intersection.id,
    })?;
    let revision = MsgCount(revision % 128);
    let name = map_name(&intersection.name, || "name".to_owned())?;
    let ref_point = reference_point(&geometry.reference)?;
    if !(1..=LANES_MAX).contains(&geometry.lanes.len()) {
        return Err(MapError::LaneCount {
            count: geometry.lanes.len(),
        });
    }
    let lane_width = LaneWidth(geometry.lane_width_cm);
    if lane_width.0 > 32_767 {
        return Err(out_of_range(
            "geometry.lane_width_cm",
            lane_width.0,
            "0..=32767",
        ));
    }
    let speed_limits = match geometry.speed_limit_kmh {
        None => None,
        Some(kmh) => {
            let speed = velocity_from_kmh(kmh)
                .ok_or_else(|| out_of_range("geometry.speed_limit_kmh", kmh, "0..=589"))?;
            Some(SpeedLimitList(vec![RegulatorySpeedLimit {
                type_: SpeedLimitType::VehicleMaxSpeed,
                speed,
            }]))
        }
    };

    let mut by_id: HashMap<u8, &Lane> = HashMap::new();
    for lane in &geometry.lanes {
        if lane.id == 0 {
            return Err(MapError::LaneIdZero);
        }
        if by_id.insert(lane.id, lane).is_some() {
            return Err(MapError::DuplicateLane { lane: lane.id });
        }
    }

    let mut connection_ids: HashMap<u8, u8> = HashMap::new();
    let mut lanes = Vec::with_capacity(geometry.lanes.len());
    for lane in &geometry.lanes {
        let mut out = GenericLane::new(LaneID(lane.id), lane_attributes(lane), node_list(lane)?);
        out.name = match &lane.name {
            Some(n) => map_name(n, || format!("lane {} name", lane.id))?,
            None => None,
        };
        let approach = approach(lane)?;
        if matches!(lane.direction, LaneDirection::Ingress | LaneDirection::Both) {
            out.ingress_approach = approach;
        }
        if matches!(lane.direction, LaneDirection::Egress | LaneDirection::Both) {
            out.egress_approach = approach;
        }
        if !lane.maneuvers.is_empty() {
            out.maneuvers = Some(allowed_maneuvers(lane.maneuvers.iter().copied()));
        }
        if lane.connections.len() > CONNECTIONS_MAX {
            return Err(MapError::TooManyConnections {
                lane: lane.id,
                count: lane.connections.len(),
            });
        }
        let mut connects = Vec::with_capacity(lane.connections.len());
        for (index, c) in lane.connections.iter().enumerate() {
            let target = by_id
                .get(&c.to_lane)
                .ok_or(MapError::UnknownConnectingLane {
                    lane: lane.id,
                    index,
                    to_lane: c.to_lane,
                })?;
            if target.direction == LaneDirection::Ingress {
                return Err(MapError::NotEgress {
                    lane: lane.id,
                    index,
                    to_lane: c.to_lane,
                });
            }
            if let Some(id) = c.connection_id
                && let Some(&first_lane) = connection_ids.get(&id)
            {
                return Err(MapError::DuplicateConnectionId {
                    lane: lane.id,
                    index,
                    connection_id: id,
                    first_lane,
                });
            }
            if let Some(id) = c.connection_id {
                connection_ids.insert(id, lane.id);
            }
            if let Some(group) = c.signal_group
                && intersection.signal_group(group).is_none()
            {
                return Err(MapError::UnknownSignalGroup {
                    lane: lane.id,
                    index,
                    signal_group: group,
                });
            }
            connects.push(J2735Connection {
                connecting_lane: ConnectingLane {
                    lane: LaneID(c.to_lane),
                    maneuver: Some(allowed_maneuvers([c.maneuver])),
                },
                remote_intersection: None,
                signal_group: c.signal_group.map(SignalGroupID),
                user_class: None,
                connection_id: c.connection_id.map(LaneConnectionID),
            });
        }
        if !connects.is_empty() {
            out.connects_to = Some(ConnectsToList(connects));
        }
        lanes.push(out);
    }

    let mut geometry_out = IntersectionGeometry::new(
        intersection_reference(intersection),
        revision,
        ref_point,
        LaneList(lanes),
    );
    geometry_out.name = name;
    geometry_out.lane_width = Some(lane_width);
    geometry_out.speed_limits = speed_limits;
    let mut map = MapData::new(revision);
    map.intersections = Some(IntersectionGeometryList(vec![geometry_out]));
    Ok(map)
}

/// The first intersection's reference point (latitude, longitude in 1e-7 degree), if any.
pub fn reference_point_of(map: &MapData) -> Option<(i32, i32)> {
    let first = map.intersections.as_ref()?.0.first()?;
    Some((first.ref_point.lat.0, first.ref_point.long.0))
}

/// Sets msgIssueRevision and every intersection's and road segment's revision (modulo 128).
pub fn set_revision(map: &mut MapData, revision: u8) {
    let revision = MsgCount(revision % 128);
    map.msg_issue_revision = revision;
    for g in map.intersections.iter_mut().flat_map(|l| l.0.iter_mut()) {
        g.revision = revision;
    }
    for s in map.road_segments.iter_mut().flat_map(|l| l.0.iter_mut()) {
        s.revision = revision;
    }
}

/// The name of a MessageFrame's message, for refusals: `SPAT (messageId 19)`.
fn message_name(id: DSRCmsgID) -> String {
    let name = match id {
        DSRCmsgID::MAP_DATA => "MapData",
        DSRCmsgID::SIGNAL_PHASE_AND_TIMING => "SPAT",
        DSRCmsgID::BASIC_SAFETY_MESSAGE => "BasicSafetyMessage",
        DSRCmsgID::ROAD_SIDE_ALERT => "RoadSideAlert",
        DSRCmsgID::SIGNAL_REQUEST_MESSAGE => "SignalRequestMessage",
        DSRCmsgID::SIGNAL_STATUS_MESSAGE => "SignalStatusMessage",
        DSRCmsgID::TRAVELER_INFORMATION => "TravelerInformation",
        DSRCmsgID::PERSONAL_SAFETY_MESSAGE => "PersonalSafetyMessage",
        _ => "unknown message",
    };
    format!("{name} (messageId {})", id.0)
}

/// The path of the first member of `given` that the decoded value's JER (`known`) lacks:
/// rasn's JER decoder skips members it does not know, which would let a misspelt OPTIONAL
/// field of a hand-edited MAP vanish without a word.
fn unknown_member(given: &Value, known: &Value, path: &str) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (given, known) {
        (Value::Object(g), Value::Object(k)) => g.iter().find_map(|(key, v)| match k.get(key) {
            Some(kv) => unknown_member(v, kv, &join(key)),
            None => Some(join(key)),
        }),
        (Value::Array(g), Value::Array(k)) => g
            .iter()
            .zip(k)
            .enumerate()
            .find_map(|(i, (v, kv))| unknown_member(v, kv, &format!("{path}[{i}]"))),
        _ => None,
    }
}

/// A MapData from JER text: a MessageFrame (`{"messageId":18,"value":{...}}`) or a bare
/// MapData object.
fn parse_jer(text: &str, json: &Value) -> Result<MapData, MapError> {
    if json.get("messageId").is_some() {
        return match MessageFrame::from_jer(text) {
            Ok(MessageFrame::MapData(map)) => Ok(*map),
            Ok(other) => Err(MapError::NotMapData {
                message: message_name(other.id()),
            }),
            Err(e) => Err(MapError::Unreadable {
                tried: vec![format!("JER MessageFrame: {e}")],
            }),
        };
    }
    let bare = |e: String| MapError::Unreadable {
        tried: vec![format!(
            "JER MapData (no messageId, so not a MessageFrame): {e}"
        )],
    };
    // Also reads the bare hex other tools write for LaneAttributes-Vehicle (SIZE(8, ...)).
    let map = MapData::from_jer_value(json).map_err(|e| bare(e.to_string()))?;
    // The decoder checks no ranges; writing the value back does, naming the field.
    let canonical = map.to_jer_value().map_err(|e| bare(e.to_string()))?;
    if let Some(path) = unknown_member(json, &canonical, "") {
        return Err(bare(format!("{path}: no such member in MapData")));
    }
    Ok(map)
}

/// Whether `rest` is only the zero octets some tools pad a frame with.
fn zero_padding(rest: &[u8]) -> bool {
    rest.iter().all(|b| *b == 0)
}

/// A MapData from UPER octets: a MessageFrame carrying messageId 18 that fills the input
/// (bar zero padding), else a bare MapData that fills it.
fn parse_uper(octets: &[u8], form: &str) -> Result<MapData, MapError> {
    let mut tried = Vec::new();
    let mut other_message = None;
    match MessageFrame::decode(octets) {
        Ok((frame, used)) => {
            let rest = octets.get(used..).unwrap_or_default();
            match frame {
                MessageFrame::MapData(map) if zero_padding(rest) => return Ok(*map),
                MessageFrame::MapData(_) => tried.push(format!(
                    "{form} MessageFrame: a MapData of {used} bytes followed by {} bytes that \
                     are not zero padding",
                    rest.len()
                )),
                other => {
                    let name = message_name(other.id());
                    tried.push(format!("{form} MessageFrame: carries {name}"));
                    other_message = Some(name);
                }
            }
        }
        Err(e) => tried.push(format!("{form} MessageFrame: {e}")),
    }
    match MapData::decode_uper_prefix(octets) {
        Ok((map, [])) => return Ok(map),
        Ok((_, rest)) => tried.push(format!(
            "{form} MapData without MessageFrame: {} bytes left over",
            rest.len()
        )),
        Err(e) => tried.push(format!("{form} MapData without MessageFrame: {e}")),
    }
    Err(match other_message {
        Some(message) => MapError::NotMapData { message },
        None => MapError::Unreadable { tried },
    })
}

/// Reads a MapData from a file's bytes: JER text (a MessageFrame or a bare MapData), or UPER
/// as binary or hex text, with or without the MessageFrame.
///
/// A MessageFrame is tried first; it must carry messageId 18 and fill the input, allowing
/// only trailing zero octets (a pad some tools add). Otherwise the input must be exactly one
/// bare MapData. A valid frame of another message is refused naming it; anything else is
/// refused listing each form tried and why it failed.
pub fn parse_map(bytes: &[u8]) -> Result<MapData, MapError> {
    let body = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut tried = Vec::new();
    if body.trim_ascii_start().first() == Some(&b'{') {
        match std::str::from_utf8(body)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                serde_json::from_str::<Value>(t)
                    .map(|j| (t, j))
                    .map_err(|e| e.to_string())
            }) {
            Ok((text, json)) => return parse_jer(text, &json),
            // Binary UPER may start with the octet of `{`: fall through to it.
            Err(e) => tried.push(format!("JER: {e}")),
        }
    }
    match crate::input::detect(body) {
        Ok((octets, form)) => {
            let form = match form {
                crate::input::Form::Hex => "hex UPER",
                crate::input::Form::Binary => "binary UPER",
            };
            parse_uper(&octets, form).map_err(|e| match e {
                MapError::Unreadable { tried: more } => {
                    tried.extend(more);
                    MapError::Unreadable { tried }
                }
                other => other,
            })
        }
        Err(e) => {
            tried.push(format!("hex or binary UPER: {e}"));
            Err(MapError::Unreadable { tried })
        }
    }
}

/// Reads a MapData from a file (see [`parse_map`] for the forms); errors name the file.
pub fn load_map_file(path: &Path) -> Result<MapData, MapError> {
    let bytes = std::fs::read(path).map_err(|e| MapError::Io {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    parse_map(&bytes).map_err(|e| MapError::File {
        path: path.to_owned(),
        error: Box::new(e),
    })
}

/// What [`check_consistency`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consistency {
    /// Mismatches that make the MAP and the SPaT contradict each other.
    pub errors: Vec<String>,
    /// Oddities worth an operator's look.
    pub warnings: Vec<String>,
}

impl Consistency {
    /// True when there are no errors (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Checks a MAP against the intersection's configuration: the MAP must describe the
/// intersection (by IntersectionID, and road regulator where both give one), every signal
/// group its connections name must be configured (else SPaT sends no state for them), and
/// every configured signal group should control some connection (else its SPaT state
/// applies to no lane).
pub fn check_consistency(intersection: &Intersection, map: &MapData) -> Consistency {
    let mut out = Consistency::default();
    let geometries = map.intersections.iter().flat_map(|l| &l.0);
    let same_region = |g: &&IntersectionGeometry| match (g.id.region, intersection.region) {
        (Some(a), Some(b)) => a.0 == b,
        _ => true,
    };
    let Some(geometry) = geometries
        .filter(|g| g.id.id.0 == intersection.id)
        .find(same_region)
    else {
        out.errors.push(format!(
            "the MAP has no IntersectionGeometry with intersection id {}{}",
            intersection.id,
            intersection
                .region
                .map(|r| format!(" in region {r}"))
                .unwrap_or_default()
        ));
        return out;
    };
    if geometry.id.region.map(|r| r.0) != intersection.region {
        out.warnings.push(format!(
            "the MAP's intersection {} gives region {:?}, the configuration {:?}",
            intersection.id,
            geometry.id.region.map(|r| r.0),
            intersection.region
        ));
    }
    let mut referenced: BTreeMap<u8, Vec<u8>> = BTreeMap::new();
    for lane in &geometry.lane_set.0 {
        for c in lane.connects_to.iter().flat_map(|l| &l.0) {
            if let Some(group) = c.signal_group {
                referenced.entry(group.0).or_default().push(lane.lane_id.0);
            }
        }
    }
    for (group, lanes) in &referenced {
        if intersection.signal_group(*group).is_none() {
            out.errors.push(format!(
                "signal group {group} (controlling connections of lane{} {}) is not configured",
                if lanes.len() > 1 { "s" } else { "" },
                lanes
                    .iter()
                    .map(u8::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    for group in &intersection.signal_groups {
        if !referenced.contains_key(&group.id) {
            out.warnings.push(format!(
                "signal group {} ({}) controls no connection in the MAP",
                group.id, group.source
            ));
        }
    }
    out
}

/// FNV-1a, 64 bits: small, stable across versions and platforms, enough to tell content
/// apart (not a defence against anyone crafting collisions; the MAP comes from the operator).
fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, b| (h ^ u64::from(*b)).wrapping_mul(PRIME))
}

/// The hash of a MAP's content: FNV-1a 64 of its UPER encoding with every revision set to 0
/// and no timeStamp, so that only a change a receiver would see changes it.
pub fn content_hash(map: &MapData) -> Result<u64, MapError> {
    let mut content = map.clone();
    set_revision(&mut content, 0);
    content.time_stamp = None;
    let bytes = content.encode_uper().map_err(|e| {
        MapError::Encode(match content.to_jer_value() {
            Err(c) => c.to_string(),
            Ok(_) => e.to_string(),
        })
    })?;
    Ok(fnv1a64(&bytes))
}

/// One intersection's entry in the state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RevisionEntry {
    /// [`content_hash`] as 16 hex digits (JSON numbers above 2^53 lose digits in many tools).
    content_hash: String,
    /// The MsgCount last used for that content.
    revision: u8,
}

/// The state file: intersection id → entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RevisionFile {
    intersections: BTreeMap<u16, RevisionEntry>,
}

/// The largest state file read: a few hundred intersections fit in a few dozen kB.
const MAX_STATE_FILE: u64 = 1 << 20;

/// Why the state file could not be used. The store carries on in memory; the caller counts
/// these (`reason` is a metric label) and logs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateFault {
    /// `read`, `damaged` or `write`.
    pub reason: &'static str,
    /// What happened, naming the file.
    pub detail: String,
}

/// MAP msgIssueRevision per intersection: unchanged content keeps its revision, changed
/// content gets the next one (mod 128), remembered across restarts in a small JSON file.
///
/// An intersection seen for the first time starts at revision 0. The file is replaced
/// atomically: written and fsynced beside it, renamed over it, then the folder fsynced, so
/// a kill or power loss leaves the old or the new state, never half of one, and a revision
/// [`RevisionStore::persisted`] reported survives.
///
/// The state never keeps the RSU off the air: SPaT does not depend on it and MAP only needs
/// *a* revision. When the file cannot be read or written (read-only, full, damaged) the
/// store works in memory, reports a [`StateFault`], and [`RevisionStore::persist`] tries
/// again later; a failed write leaves no temporary file behind.
///
/// A damaged (unparsable) or unreadable file means the revisions receivers last heard are
/// unknown. Restarting at 0 would be the worst guess: 0 is what nearly every unchanged MAP
/// carries, so a receiver caching the old MAP at 0 would take a changed MAP at 0 for the
/// one it has. Instead a damaged file is moved aside (`<name>.damaged`, kept for the
/// operator) and, while that history is lost, each intersection's revision is derived from
/// its content: `1 + hash mod 127`. It is never 0, and a changed MAP matches the old
/// revision only by a 1-in-127 chance instead of almost surely; an unchanged MAP merely
/// makes receivers decode it once more. The chosen revisions are then saved as usual.
#[derive(Debug, Clone)]
pub struct RevisionStore {
    path: Option<PathBuf>,
    entries: BTreeMap<u16, (u64, u8)>,
    /// The revisions receivers heard before are unknown (damaged or unreadable file).
    history_lost: bool,
    /// Memory has changes the file does not.
    dirty: bool,
    faults: Vec<StateFault>,
}

impl RevisionStore {
    /// A store kept in memory only (revisions restart at 0 with the process).
    pub fn in_memory() -> Self {
        Self {
            path: None,
            entries: BTreeMap::new(),
            history_lost: false,
            dirty: false,
            faults: Vec::new(),
        }
    }

    /// Opens the state file at `path`. A missing file is a fresh start (created on the
    /// first revision); an unreadable or damaged one is a [`StateFault`] and the store
    /// works as described on [`RevisionStore`]. A temporary file left by a kill is removed.
    pub fn open(path: &Path) -> Self {
        let mut store = Self {
            path: Some(path.to_owned()),
            ..Self::in_memory()
        };
        let temp = temp_path(path);
        if std::fs::symlink_metadata(&temp).is_ok()
            && let Err(e) = std::fs::remove_file(&temp)
        {
            store.fault("write", format!("{}: removing: {e}", temp.display()));
        }
        match read_bounded(path) {
            Ok(bytes) => match parse_state(&bytes) {
                Ok(entries) => store.entries = entries,
                Err(why) => {
                    store.history_lost = true;
                    let aside = damaged_path(path);
                    let moved = match std::fs::rename(path, &aside) {
                        Ok(()) => format!("moved to {}", aside.display()),
                        Err(e) => format!("could not be moved aside: {e}"),
                    };
                    store.fault("damaged", format!("{}: {why}; {moved}", path.display()));
                    // Save the revisions chosen from now on in place of the damaged file.
                    store.dirty = true;
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // A damaged file moved aside by an earlier start whose new file never got
                // written: the history is still unknown.
                store.history_lost = std::fs::symlink_metadata(damaged_path(path)).is_ok();
            }
            Err(e) => {
                store.history_lost = true;
                store.fault("read", format!("{}: {e}", path.display()));
            }
        }
        store
    }

    /// The revision to send `map` of intersection `id` with: the stored one if the content
    /// is unchanged, else the next (127 → 0). Saved before it is returned when the file is
    /// writable; otherwise kept in memory (see [`RevisionStore::persisted`]).
    pub fn revision_for(&mut self, id: u16, map: &MapData) -> Result<u8, MapError> {
        let hash = content_hash(map)?;
        let revision = match self.entries.get(&id) {
            Some(&(known, revision)) if known == hash => {
                if self.dirty {
                    self.persist();
                }
                return Ok(revision);
            }
            Some(&(_, revision)) => (revision + 1) % 128,
            None if self.history_lost => 1 + (hash % 127) as u8,
            None => 0,
        };
        self.entries.insert(id, (hash, revision));
        self.dirty = true;
        self.persist();
        Ok(revision)
    }

    /// Writes the state if memory has changes the file lacks; whether the file now holds
    /// everything. A failure is recorded as a [`StateFault`] and costs nothing else.
    pub fn persist(&mut self) -> bool {
        if self.path.is_none() {
            return true;
        }
        if !self.dirty {
            return true;
        }
        match self.save() {
            Ok(()) => {
                self.dirty = false;
                true
            }
            Err(detail) => {
                self.fault("write", detail);
                false
            }
        }
    }

    /// Whether every revision handed out is on disk (always true in memory-only mode).
    pub fn persisted(&self) -> bool {
        self.path.is_none() || !self.dirty
    }

    /// The faults since the last call.
    pub fn take_faults(&mut self) -> Vec<StateFault> {
        std::mem::take(&mut self.faults)
    }

    fn fault(&mut self, reason: &'static str, detail: String) {
        self.faults.push(StateFault { reason, detail });
    }

    fn save(&self) -> Result<(), String> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let file = RevisionFile {
            intersections: self
                .entries
                .iter()
                .map(|(&id, &(hash, revision))| {
                    let entry = RevisionEntry {
                        content_hash: format!("{hash:016x}"),
                        revision,
                    };
                    (id, entry)
                })
                .collect(),
        };
        let mut text = serde_json::to_vec_pretty(&file)
            .map_err(|e| format!("{}: serialising: {e}", path.display()))?;
        text.push(b'\n');
        let temp = temp_path(path);
        let written = write_synced(&temp, &text)
            .and_then(|()| std::fs::rename(&temp, path).map_err(|e| ("replacing", e)));
        if let Err((what, e)) = written {
            // Never leave the temporary file: it would fill a full disk further and is
            // never authoritative.
            let _ = std::fs::remove_file(&temp);
            return Err(format!("{}: {what}: {e}", temp.display()));
        }
        // The rename is durable only once the folder's entry is on disk.
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        std::fs::File::open(folder)
            .and_then(|d| d.sync_all())
            .map_err(|e| format!("{}: syncing the folder: {e}", folder.display()))
    }
}

/// Creates `temp` afresh, writes `bytes` and fsyncs them.
fn write_synced(temp: &Path, bytes: &[u8]) -> Result<(), (&'static str, std::io::Error)> {
    // A new file, never whatever (or wherever a link) is in its place.
    match std::fs::remove_file(temp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(("removing", e)),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    let mut out = options.open(temp).map_err(|e| ("creating", e))?;
    out.write_all(bytes).map_err(|e| ("writing", e))?;
    out.sync_all().map_err(|e| ("syncing", e))
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".tmp");
    path.with_file_name(name)
}

fn damaged_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".damaged");
    path.with_file_name(name)
}

/// Reads at most [`MAX_STATE_FILE`] bytes (one more, to see that it is longer).
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Not through a link, and never waiting on a FIFO put in the file's place: the start
    // must not hang on the state folder.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NOFOLLOW | libc::O_NONBLOCK,
    );
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(MAX_STATE_FILE + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The entries of a state file, or why it is damaged.
fn parse_state(bytes: &[u8]) -> Result<BTreeMap<u16, (u64, u8)>, String> {
    if bytes.len() as u64 > MAX_STATE_FILE {
        return Err(format!("longer than {MAX_STATE_FILE} bytes"));
    }
    let file: RevisionFile =
        serde_json::from_slice(bytes).map_err(|e| format!("not a revision state file: {e}"))?;
    let mut entries = BTreeMap::new();
    for (id, entry) in file.intersections {
        let hash = (entry.content_hash.len() == 16)
            .then(|| u64::from_str_radix(&entry.content_hash, 16).ok())
            .flatten()
            .ok_or_else(|| {
                format!(
                    "intersection {id}: content_hash {:?} is not 16 hex digits",
                    entry.content_hash
                )
            })?;
        if entry.revision > 127 {
            return Err(format!(
                "intersection {id}: revision {} outside 0..=127",
                entry.revision
            ));
        }
        entries.insert(id, (hash, entry.revision));
    }
    Ok(entries)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::controller::SignalSource;
    use crate::intersection::{Connection, GeoPoint, Geometry, GreenKind, SignalGroup};

    fn vehicle(id: u8, direction: LaneDirection, approach: u8, nodes: &[(i32, i32)]) -> Lane {
        Lane {
            id,
            name: None,
            direction,
            approach: Some(approach),
            kind: LaneKind::Vehicle,
            maneuvers: Vec::new(),
            nodes_cm: nodes.to_vec(),
            connections: Vec::new(),
        }
    }

    fn connect(to_lane: u8, maneuver: Maneuver, group: u8, id: u8) -> Connection {
        Connection {
            to_lane,
            maneuver,
            signal_group: Some(group),
            connection_id: Some(id),
        }
    }

    /// Two approaches: northbound (approach 1: lane 1 through and right, lane 2 left) and
    /// eastbound (approach 2: lane 3 through), egress lanes 5 (north), 6 (west), 7 and 8
    /// (east), and a two-way crosswalk 20 on the north leg.
    fn two_approaches() -> Intersection {
        let mut lane1 = vehicle(
            1,
            LaneDirection::Ingress,
            1,
            &[(150, -1200), (150, -3200), (170, -6000)],
        );
        lane1.name = Some("NB through/right".into());
        lane1.maneuvers = vec![Maneuver::Straight, Maneuver::Right];
        lane1.connections = vec![
            connect(5, Maneuver::Straight, 2, 1),
            connect(7, Maneuver::Right, 2, 2),
        ];
        let mut lane2 = vehicle(
            2,
            LaneDirection::Ingress,
            1,
            &[(-150, -1200), (-150, -4000)],
        );
        lane2.maneuvers = vec![Maneuver::Left];
        lane2.connections = vec![connect(6, Maneuver::Left, 1, 3)];
        let mut lane3 = vehicle(
            3,
            LaneDirection::Ingress,
            2,
            &[(-1200, -150), (-4000, -150)],
        );
        lane3.maneuvers = vec![Maneuver::Straight];
        lane3.connections = vec![connect(8, Maneuver::Straight, 4, 4)];
        let crosswalk = Lane {
            id: 20,
            name: None,
            direction: LaneDirection::Both,
            approach: None,
            kind: LaneKind::Crosswalk,
            maneuvers: Vec::new(),
            nodes_cm: vec![(-900, 1300), (900, 1300)],
            connections: vec![connect(20, Maneuver::Straight, 12, 9)],
        };
        let group = |id, source| SignalGroup {
            id,
            source,
            green: GreenKind::Protected,
            name: None,
        };
        Intersection {
            id: 1001,
            region: None,
            name: "Demo Ave & Main St".into(),
            signal_groups: vec![
                group(1, SignalSource::Phase(1)),
                group(2, SignalSource::Phase(2)),
                group(4, SignalSource::Phase(4)),
                group(12, SignalSource::Pedestrian(2)),
            ],
            geometry: Some(Geometry {
                reference: GeoPoint {
                    lat_1e7: 389_000_000,
                    lon_1e7: -771_000_000,
                    elevation_dm: Some(150),
                },
                lane_width_cm: 350,
                speed_limit_kmh: Some(50),
                lanes: vec![
                    lane1,
                    lane2,
                    lane3,
                    vehicle(5, LaneDirection::Egress, 3, &[(150, 1200), (150, 4000)]),
                    vehicle(6, LaneDirection::Egress, 4, &[(-1200, 150), (-4000, 150)]),
                    vehicle(7, LaneDirection::Egress, 2, &[(1200, -450), (4000, -450)]),
                    vehicle(8, LaneDirection::Egress, 2, &[(1200, -150), (4000, -150)]),
                    crosswalk,
                ],
            }),
        }
    }

    fn lanes_mut(i: &mut Intersection) -> &mut Vec<Lane> {
        &mut i.geometry.as_mut().unwrap().lanes
    }

    fn bits(b: &BitString) -> Vec<usize> {
        b.iter_ones().collect()
    }

    #[test]
    fn two_approach_map_round_trips_with_hand_derived_values() {
        let map = build_map(&two_approaches(), 3).unwrap();
        assert_eq!(map.msg_issue_revision, MsgCount(3));
        let g = &map.intersections.as_ref().unwrap().0[0];
        assert_eq!(
            (g.id.region, g.id.id.0, g.revision),
            (None, 1001, MsgCount(3))
        );
        assert_eq!(g.name.as_ref().unwrap().0.to_string(), "Demo Ave & Main St");
        assert_eq!(
            (g.ref_point.lat, g.ref_point.long, g.ref_point.elevation),
            (
                Latitude(389_000_000),
                Longitude(-771_000_000),
                Some(Elevation(150))
            )
        );
        assert_eq!(g.lane_width, Some(LaneWidth(350)));
        // 50 km/h = 13.888… m/s = 694.4 units of 0.02 m/s → 694.
        let limits = &g.speed_limits.as_ref().unwrap().0;
        assert_eq!(limits[0].type_, SpeedLimitType::VehicleMaxSpeed);
        assert_eq!(limits[0].speed, Velocity(694));

        let lane1 = &g.lane_set.0[0];
        assert_eq!(lane1.lane_id, LaneID(1));
        assert_eq!(
            lane1.name.as_ref().unwrap().0.to_string(),
            "NB through/right"
        );
        assert_eq!(
            (lane1.ingress_approach, lane1.egress_approach),
            (Some(ApproachID(1)), None)
        );
        assert_eq!(bits(&lane1.lane_attributes.directional_use.0), [0]);
        assert_eq!(lane1.lane_attributes.shared_with.0.len(), 10);
        assert_eq!(
            lane1.lane_attributes.lane_type,
            LaneTypeAttributes::Vehicle(LaneAttributesVehicle(BitString::repeat(false, 8)))
        );
        assert_eq!(bits(&lane1.maneuvers.as_ref().unwrap().0), [0, 2]);
        // (150, -1200) from the reference: 1200 > 1023 → node-XY3; then (0, -2000) → XY3;
        // then (20, -2800) → beyond 2047 → XY4.
        let NodeListXY::Nodes(nodes) = &lane1.node_list else {
            panic!()
        };
        let deltas: Vec<&NodeOffsetPointXY> = nodes.0.iter().map(|n| &n.delta).collect();
        assert_eq!(
            deltas,
            [
                &NodeOffsetPointXY::NodeXY3(NodeXY24b {
                    x: OffsetB12(150),
                    y: OffsetB12(-1200)
                }),
                &NodeOffsetPointXY::NodeXY3(NodeXY24b {
                    x: OffsetB12(0),
                    y: OffsetB12(-2000)
                }),
                &NodeOffsetPointXY::NodeXY4(NodeXY26b {
                    x: OffsetB13(20),
                    y: OffsetB13(-2800)
                }),
            ]
        );
        let connects = &lane1.connects_to.as_ref().unwrap().0;
        assert_eq!(connects[1].connecting_lane.lane, LaneID(7));
        assert_eq!(
            bits(&connects[1].connecting_lane.maneuver.as_ref().unwrap().0),
            [2]
        );
        assert_eq!(connects[1].signal_group, Some(SignalGroupID(2)));
        assert_eq!(connects[1].connection_id, Some(LaneConnectionID(2)));

        let egress = &g.lane_set.0[3];
        assert_eq!(
            (egress.ingress_approach, egress.egress_approach),
            (None, Some(ApproachID(3)))
        );
        assert_eq!(bits(&egress.lane_attributes.directional_use.0), [1]);
        assert_eq!(
            (egress.maneuvers.as_ref(), egress.connects_to.as_ref()),
            (None, None)
        );
        let crosswalk = &g.lane_set.0[7];
        assert_eq!(bits(&crosswalk.lane_attributes.directional_use.0), [0, 1]);
        assert_eq!(
            crosswalk.lane_attributes.lane_type,
            LaneTypeAttributes::Crosswalk(LaneAttributesCrosswalk(BitString::repeat(false, 16)))
        );

        let frame = MessageFrame::MapData(Box::new(map.clone()));
        let bytes = frame.encode().unwrap();
        assert_eq!(&bytes[..2], [0x00, 0x12]);
        assert_eq!(
            MessageFrame::decode(&bytes).unwrap(),
            (frame.clone(), bytes.len())
        );
        // The same message read back through every accepted form.
        assert_eq!(parse_map(&bytes).unwrap(), map);
        assert_eq!(parse_map(hex::encode(&bytes).as_bytes()).unwrap(), map);
        assert_eq!(
            parse_map(frame.to_jer().unwrap().to_string().as_bytes()).unwrap(),
            map
        );
        let bare = rasn::uper::encode(&map).unwrap();
        assert_eq!(parse_map(&bare).unwrap(), map);
        assert_eq!(parse_map(hex::encode_upper(&bare).as_bytes()).unwrap(), map);
        let bare_jer = rsu_codecs::jer::to_value(&map).unwrap().to_string();
        assert_eq!(parse_map(bare_jer.as_bytes()).unwrap(), map);
    }

    #[test]
    fn node_variant_at_each_boundary() {
        let variant = |dx, dy| match node_offset(dx, dy) {
            Some(NodeOffsetPointXY::NodeXY1(_)) => 1,
            Some(NodeOffsetPointXY::NodeXY2(_)) => 2,
            Some(NodeOffsetPointXY::NodeXY3(_)) => 3,
            Some(NodeOffsetPointXY::NodeXY4(_)) => 4,
            Some(NodeOffsetPointXY::NodeXY5(_)) => 5,
            Some(NodeOffsetPointXY::NodeXY6(_)) => 6,
            Some(_) => 99,
            None => 0,
        };
        // Offset-B10 −512..=511, B11 −1024..=1023, B12 −2048..=2047, B13 −4096..=4095,
        // B14 −8192..=8191, B16 −32768..=32767 (codecs/src/j2735/common.rs).
        let bounds = [
            (511, -512, 1),
            (1023, -1024, 2),
            (2047, -2048, 3),
            (4095, -4096, 4),
            (8191, -8192, 5),
        ];
        for (high, low, n) in bounds {
            assert_eq!(variant(high, 0), n, "{high}");
            assert_eq!(variant(0, low), n, "{low}");
            assert_eq!(variant(high + 1, 0), n + 1, "{}", high + 1);
            assert_eq!(variant(0, low - 1), n + 1, "{}", low - 1);
        }
        assert_eq!(variant(32767, -32768), 6);
        assert_eq!(variant(32768, 0), 0);
        assert_eq!(variant(0, -32769), 0);
        // The larger component decides.
        assert_eq!(variant(3, 600), 2);
        // Values survive the narrowing.
        assert_eq!(
            node_offset(-32768, 32767),
            Some(NodeOffsetPointXY::NodeXY6(NodeXY32b {
                x: OffsetB16(-32768),
                y: OffsetB16(32767)
            }))
        );
        // Each form encodes (its value is inside its type's range).
        for (dx, dy) in [
            (511, -512),
            (1023, -1024),
            (2047, -2048),
            (4095, -4096),
            (8191, -8192),
            (32767, -32768),
        ] {
            assert!(rasn::uper::encode(&node_offset(dx, dy).unwrap()).is_ok());
        }
    }

    #[test]
    fn every_validation_error() {
        let base = two_approaches();
        let err = |f: &dyn Fn(&mut Intersection)| {
            let mut i = base.clone();
            f(&mut i);
            build_map(&i, 0).unwrap_err()
        };
        assert_eq!(
            err(&|i| i.geometry = None),
            MapError::NoGeometry { id: 1001 }
        );
        assert_eq!(
            err(&|i| lanes_mut(i).clear()),
            MapError::LaneCount { count: 0 }
        );
        assert_eq!(
            err(&|i| lanes_mut(i)[1].id = 1),
            MapError::DuplicateLane { lane: 1 }
        );
        assert_eq!(err(&|i| lanes_mut(i)[3].id = 0), MapError::LaneIdZero);
        assert_eq!(
            err(&|i| lanes_mut(i)[1].nodes_cm.truncate(1)),
            MapError::NodeCount { lane: 2, count: 1 }
        );
        assert_eq!(
            err(&|i| lanes_mut(i)[1].nodes_cm = vec![(0, 0); 64]),
            MapError::NodeCount { lane: 2, count: 64 }
        );
        // Node 2 of lane 1 is 40000 cm past node 1: (20, -40000).
        let e = err(&|i| lanes_mut(i)[0].nodes_cm[2] = (170, -43_200));
        assert_eq!(
            e,
            MapError::NodeOffsetTooLarge {
                lane: 1,
                node: 2,
                dx: 20,
                dy: -40_000,
                from: "previous node"
            }
        );
        assert_eq!(
            e.to_string(),
            "lane 1 node 2: offset (20, -40000) cm from the previous node is beyond ±32767 cm \
             (node-XY6); add intermediate nodes"
        );
        // Far corners of i32 do not overflow.
        assert_eq!(
            err(&|i| lanes_mut(i)[0].nodes_cm = vec![(i32::MAX, 0), (i32::MIN, 0)]),
            MapError::NodeOffsetTooLarge {
                lane: 1,
                node: 0,
                dx: i32::MAX.into(),
                dy: 0,
                from: "reference point"
            }
        );
        assert_eq!(
            err(&|i| lanes_mut(i)[0].connections[1].to_lane = 9),
            MapError::UnknownConnectingLane {
                lane: 1,
                index: 1,
                to_lane: 9
            }
        );
        assert_eq!(
            err(&|i| lanes_mut(i)[0].connections[1].to_lane = 3),
            MapError::NotEgress {
                lane: 1,
                index: 1,
                to_lane: 3
            }
        );
        assert_eq!(
            err(&|i| lanes_mut(i)[2].connections[0].connection_id = Some(2)),
            MapError::DuplicateConnectionId {
                lane: 3,
                index: 0,
                connection_id: 2,
                first_lane: 1
            }
        );
        assert_eq!(
            err(&|i| lanes_mut(i)[2].connections[0].signal_group = Some(6)),
            MapError::UnknownSignalGroup {
                lane: 3,
                index: 0,
                signal_group: 6
            }
        );
        assert_eq!(
            err(&|i| {
                let c = lanes_mut(i)[0].connections[0].clone();
                lanes_mut(i)[0].connections = (0..17)
                    .map(|n| Connection {
                        connection_id: Some(100 + n),
                        ..c.clone()
                    })
                    .collect();
            }),
            MapError::TooManyConnections { lane: 1, count: 17 }
        );
        assert_eq!(
            err(&|i| i.name = "x".repeat(64)),
            MapError::NameTooLong {
                field: "name".into(),
                len: 64
            }
        );
        assert_eq!(
            err(&|i| lanes_mut(i)[2].name = Some("Hauptstraße".into())),
            MapError::NameNotAscii {
                field: "lane 3 name".into(),
                ch: 'ß',
                index: 9
            }
        );
        assert_eq!(
            err(&|i| lanes_mut(i)[2].approach = Some(16)),
            MapError::OutOfRange {
                field: "lane 3 approach".into(),
                value: 16,
                range: "1..=15"
            }
        );
        let geometry = |f: fn(&mut Geometry)| {
            err(&|i: &mut Intersection| f(i.geometry.as_mut().unwrap())).to_string()
        };
        assert_eq!(
            geometry(|g| g.reference.lat_1e7 = 900_000_001),
            "geometry.reference.lat_1e7: 900000001 outside -900000000..=900000000"
        );
        assert_eq!(
            geometry(|g| g.reference.lon_1e7 = 1_800_000_001),
            "geometry.reference.lon_1e7: 1800000001 outside -1800000000..=1800000000"
        );
        assert_eq!(
            geometry(|g| g.reference.elevation_dm = Some(-4096)),
            "geometry.reference.elevation_dm: -4096 outside -4095..=61439"
        );
        assert_eq!(
            geometry(|g| g.lane_width_cm = 32_768),
            "geometry.lane_width_cm: 32768 outside 0..=32767"
        );
        // 590 km/h = 8194.4 units, past 8190.
        assert_eq!(
            geometry(|g| g.speed_limit_kmh = Some(590)),
            "geometry.speed_limit_kmh: 590 outside 0..=589"
        );
    }

    #[test]
    fn reference_point_edges() {
        let p = |lat_1e7, lon_1e7, elevation_dm| GeoPoint {
            lat_1e7,
            lon_1e7,
            elevation_dm,
        };
        // −180° is +180°: J2735 Longitude has no −1800000000.
        let r = reference_point(&p(-900_000_000, -1_800_000_000, Some(61_439))).unwrap();
        assert_eq!(
            (r.lat, r.long, r.elevation),
            (
                Latitude(-900_000_000),
                Longitude(1_800_000_000),
                Some(Elevation(61_439))
            )
        );
        assert!(rasn::uper::encode(&r).is_ok());
        assert_eq!(velocity_from_kmh(589), Some(Velocity(8181)));
        assert_eq!(velocity_from_kmh(0), Some(Velocity(0)));
        // 9 km/h = 125 units exactly.
        assert_eq!(velocity_from_kmh(9), Some(Velocity(125)));
    }

    /// The shared vectors folder (`$RSU_VECTORS`, else beside the workspace), or `None`
    /// (printed) when absent and not required.
    fn vectors() -> Option<PathBuf> {
        let dir = std::env::var_os("RSU_VECTORS").map_or_else(
            || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors")),
            PathBuf::from,
        );
        if dir.is_dir() {
            return Some(dir);
        }
        assert!(
            std::env::var("RSU_VECTORS_REQUIRED").as_deref() != Ok("1"),
            "RSU_VECTORS_REQUIRED=1 but {} is missing",
            dir.display()
        );
        eprintln!("skipped: vectors folder {} not found", dir.display());
        None
    }

    /// pycrate, which wrote the vectors' JSON, spells `LaneAttributes-Vehicle` (SIZE(8, ...))
    /// as bare hex; X.697 gives a BIT STRING whose size is extensible the
    /// `{"value", "length"}` form, which is what the codec reads. The spelling is corrected,
    /// the bits kept.
    fn x697_vehicle_attributes(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k == "vehicle"
                        && let Value::String(hex) = x
                    {
                        *x = serde_json::json!({"value": hex.clone(), "length": hex.len() * 4});
                    } else {
                        x697_vehicle_attributes(x);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(x697_vehicle_attributes),
            _ => {}
        }
    }

    #[test]
    fn real_map_vectors_load_from_hex_and_jer_alike() {
        let Some(dir) = vectors() else { return };
        let path = dir.join("j2735/ode_map_0.mf.hex");
        // The file holds the 948-byte frame and one zero pad octet.
        let from_hex = load_map_file(&path).unwrap();
        let g = &from_hex.intersections.as_ref().unwrap().0[0];
        assert_eq!(g.id.id.0, 8802);
        assert_eq!(g.lane_set.0[0].lane_id, LaneID(22));

        let mut json: Value = serde_json::from_slice(
            &std::fs::read(dir.join("j2735/ode_map_0.mf.jer.json")).unwrap(),
        )
        .unwrap();
        // As the reference decoder wrote it (bare hex for the extensible-size
        // LaneAttributes-Vehicle, as pycrate does), as a frame and as a bare MapData...
        assert_eq!(parse_map(json.to_string().as_bytes()).unwrap(), from_hex);
        assert_eq!(
            parse_map(json["value"].to_string().as_bytes()).unwrap(),
            from_hex
        );
        // ...and in X.697's spelling.
        x697_vehicle_attributes(&mut json);
        assert_eq!(parse_map(json.to_string().as_bytes()).unwrap(), from_hex);
        assert_eq!(
            parse_map(json["value"].to_string().as_bytes()).unwrap(),
            from_hex
        );
        // The upper-case hex copy, and the same bytes as binary.
        assert_eq!(
            load_map_file(&dir.join("j2735/ode_map_0.hex")).unwrap(),
            from_hex
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let binary = crate::input::parse_hex(&text).unwrap();
        assert_eq!(parse_map(&binary).unwrap(), from_hex);
        // A non-zero octet after the frame is not padding: refused, each form named.
        let mut tail = binary.clone();
        *tail.last_mut().unwrap() = 0x5a;
        let MapError::Unreadable { tried } = parse_map(&tail).unwrap_err() else {
            panic!()
        };
        assert_eq!(tried.len(), 2, "{tried:?}");
        assert!(tried[0].contains("not zero padding"), "{tried:?}");
        assert!(
            tried[1].starts_with("binary UPER MapData without MessageFrame"),
            "{tried:?}"
        );

        let other = load_map_file(&dir.join("j2735/odegen_map.mf.hex")).unwrap();
        assert!(other.intersections.is_some());
    }

    #[test]
    fn other_messages_are_refused_by_name() {
        use crate::j2735::spat;
        let intersection = two_approaches();
        let state = crate::controller::ControllerState::empty(crate::clock::UnixMillis(0));
        let now = crate::clock::UnixMillis(0);
        let s = spat::spat(
            [spat::intersection_state(
                &intersection,
                &state,
                now,
                0,
                true,
            )],
            now,
        );
        let frame = MessageFrame::SPAT(Box::new(s));
        let bytes = frame.encode().unwrap();
        let refused = MapError::NotMapData {
            message: "SPAT (messageId 19)".into(),
        };
        assert_eq!(parse_map(&bytes).unwrap_err(), refused);
        assert_eq!(
            refused.to_string(),
            "a SPAT (messageId 19) MessageFrame, not a MapData"
        );
        assert_eq!(
            parse_map(hex::encode(&bytes).as_bytes()).unwrap_err(),
            refused
        );
        let jer = frame.to_jer().unwrap().to_string();
        assert_eq!(parse_map(jer.as_bytes()).unwrap_err(), refused);
        if let Some(dir) = vectors() {
            // A real SPaT with bytes after its frame is named too.
            let e = load_map_file(&dir.join("j2735/ode_spat.mf.hex")).unwrap_err();
            assert!(
                e.to_string()
                    .ends_with("a SPAT (messageId 19) MessageFrame, not a MapData"),
                "{e}"
            );
        }
    }

    #[test]
    fn unreadable_input_names_what_was_tried() {
        let MapError::Unreadable { tried } = parse_map(b"00 12 0").unwrap_err() else {
            panic!()
        };
        assert_eq!(
            tried,
            ["hex or binary UPER: not hex: 5 hex digits: an odd count cannot be octets"]
        );
        let e = parse_map(br#"{"msgIssueRevision": 1, "intersectons": []}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "not a MapData; tried JER MapData (no messageId, so not a MessageFrame): \
             intersectons: no such member in MapData"
        );
        let e = parse_map(br#"{"msgIssueRevision": 128}"#).unwrap_err();
        assert!(e.to_string().contains("msgIssueRevision"), "{e}");
        let e = parse_map(br#"{"messageId": 18, "value": {"msgIssueRevision": 200}}"#).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("not a MapData; tried JER MessageFrame: "),
            "{e}"
        );
        let e = load_map_file(Path::new("/nonexistent/map.uper")).unwrap_err();
        assert!(matches!(e, MapError::Io { .. }), "{e}");
        assert_eq!(
            parse_map(b"").unwrap_err(),
            MapError::Unreadable {
                tried: vec!["hex or binary UPER: empty input".into()]
            }
        );
    }

    #[test]
    fn consistency_errors_and_warnings() {
        let intersection = two_approaches();
        let map = build_map(&intersection, 0).unwrap();
        assert_eq!(
            check_consistency(&intersection, &map),
            Consistency::default()
        );

        let mut other = intersection.clone();
        other.id = 1002;
        let c = check_consistency(&other, &map);
        assert_eq!(
            c.errors,
            ["the MAP has no IntersectionGeometry with intersection id 1002"]
        );
        assert!(!c.is_ok());

        // Group 4 dropped from the configuration, group 9 added: the MAP's lane 3 names an
        // unconfigured group (error), group 9 controls nothing (warning).
        let mut changed = intersection.clone();
        changed.signal_groups.retain(|g| g.id != 4);
        changed.signal_groups.push(SignalGroup {
            id: 9,
            source: SignalSource::Overlap(2),
            green: GreenKind::Permissive,
            name: None,
        });
        let c = check_consistency(&changed, &map);
        assert_eq!(
            c.errors,
            ["signal group 4 (controlling connections of lane 3) is not configured"]
        );
        assert_eq!(
            c.warnings,
            ["signal group 9 (overlap 2) controls no connection in the MAP"]
        );

        // A configured region the MAP does not give: still the intersection, with a warning.
        let mut regional = intersection.clone();
        regional.region = Some(7);
        let c = check_consistency(&regional, &map);
        assert!(c.is_ok());
        assert_eq!(
            c.warnings,
            ["the MAP's intersection 1001 gives region None, the configuration Some(7)"]
        );
        assert!(
            check_consistency(&intersection, &MapData::new(MsgCount(0)))
                .errors
                .len()
                == 1
        );
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rsu-map-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn revision_follows_content_and_persists() {
        let dir = temp_dir("revision");
        let path = dir.join("map-revisions.json");
        let intersection = two_approaches();
        let map = build_map(&intersection, 0).unwrap();
        let mut store = RevisionStore::open(&path);
        assert_eq!(store.revision_for(1001, &map).unwrap(), 0);
        assert!(path.exists(), "created with the first revision");
        // The revision and time stamp fields are not content.
        let mut stamped = build_map(&intersection, 77).unwrap();
        stamped.time_stamp = Some(rsu_codecs::j2735::MinuteOfTheYear(12));
        assert_eq!(store.revision_for(1001, &stamped).unwrap(), 0);
        let mut moved = intersection.clone();
        lanes_mut(&mut moved)[0].nodes_cm[0].0 += 1;
        let moved = build_map(&moved, 0).unwrap();
        assert_eq!(store.revision_for(1001, &moved).unwrap(), 1);
        assert_eq!(store.revision_for(1001, &moved).unwrap(), 1);
        // Another intersection has its own count.
        assert_eq!(store.revision_for(7, &map).unwrap(), 0);

        let mut reopened = RevisionStore::open(&path);
        assert_eq!(reopened.revision_for(1001, &moved).unwrap(), 1);
        assert_eq!(reopened.revision_for(1001, &map).unwrap(), 2);
        assert!(!dir.join("map-revisions.json.tmp").exists());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"revision\": 2"), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn revision_wraps_from_127_to_0() {
        let dir = temp_dir("wrap");
        let path = dir.join("state.json");
        let map = build_map(&two_approaches(), 0).unwrap();
        let hash = content_hash(&map).unwrap();
        std::fs::write(
            &path,
            format!(r#"{{"intersections": {{"1001": {{"content_hash": "{:016x}", "revision": 127}}}}}}"#, hash ^ 1),
        )
        .unwrap();
        let mut store = RevisionStore::open(&path);
        assert_eq!(store.revision_for(1001, &map).unwrap(), 0);
        let mut memory = RevisionStore::in_memory();
        assert_eq!(memory.revision_for(1001, &map).unwrap(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_damaged_state_file_is_moved_aside_and_revisions_avoid_the_old_ones() {
        let dir = temp_dir("corrupt");
        let path = dir.join("state.json");
        let map = build_map(&two_approaches(), 0).unwrap();
        let derived = 1 + (content_hash(&map).unwrap() % 127) as u8;
        for (content, reason) in [
            ("{not json", "not a revision state file"),
            (
                r#"{"intersections": {}, "extra": 1}"#,
                "unknown field `extra`",
            ),
            (
                r#"{"intersections": {"5": {"content_hash": "xyz", "revision": 1}}}"#,
                "intersection 5: content_hash \"xyz\" is not 16 hex digits",
            ),
            (
                r#"{"intersections": {"5": {"content_hash": "0123456789abcdef", "revision": 128}}}"#,
                "intersection 5: revision 128 outside 0..=127",
            ),
        ] {
            let _ = std::fs::remove_file(dir.join("state.json.damaged"));
            std::fs::write(&path, content).unwrap();
            let mut store = RevisionStore::open(&path);
            let faults = store.take_faults();
            assert_eq!(faults.len(), 1, "{faults:?}");
            assert_eq!(faults[0].reason, "damaged");
            assert!(faults[0].detail.contains(reason), "{faults:?}");
            assert!(faults[0].detail.contains("state.json"), "{faults:?}");
            // Kept for the operator, beside the new state.
            assert_eq!(
                std::fs::read_to_string(dir.join("state.json.damaged")).unwrap(),
                content
            );
            // Not 0, the revision an old cached MAP most likely has.
            assert_eq!(store.revision_for(1001, &map).unwrap(), derived);
            assert!(store.persisted());
            assert!(store.take_faults().is_empty());
            // The choice is saved: the next start keeps it.
            let mut again = RevisionStore::open(&path);
            assert_eq!(again.revision_for(1001, &map).unwrap(), derived);
            assert!(again.take_faults().is_empty());
            std::fs::remove_file(&path).unwrap();
        }
        // Moved aside but the new file never written (disk full, then a restart): the
        // history is still unknown.
        let mut store = RevisionStore::open(&path);
        assert_eq!(store.revision_for(1001, &map).unwrap(), derived);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unwritable_state_file_keeps_revisions_in_memory_and_saves_them_later() {
        let dir = temp_dir("unwritable");
        let path = dir.join("state.json");
        let map = build_map(&two_approaches(), 0).unwrap();
        let mut moved = two_approaches();
        lanes_mut(&mut moved)[0].nodes_cm[0].0 += 1;
        let moved = build_map(&moved, 0).unwrap();
        let mut store = RevisionStore::open(&path);
        assert_eq!(store.revision_for(1001, &map).unwrap(), 0);
        // The temporary file's name taken by a folder: every write fails, as on a full or
        // read-only disk (these tests may run as root, which ignores permissions).
        let obstacle = dir.join("state.json.tmp");
        std::fs::create_dir(&obstacle).unwrap();
        assert_eq!(store.revision_for(1001, &moved).unwrap(), 1);
        assert!(!store.persisted());
        let faults = store.take_faults();
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert_eq!(faults[0].reason, "write");
        assert!(!store.persist());
        assert_eq!(store.take_faults()[0].reason, "write");
        // The file still holds the old state, whole.
        assert_eq!(
            RevisionStore::open(&path).revision_for(1001, &map).unwrap(),
            0
        );
        std::fs::remove_dir(&obstacle).unwrap();
        assert!(store.persist());
        assert!(store.persisted());
        assert!(!obstacle.exists());
        assert_eq!(
            RevisionStore::open(&path)
                .revision_for(1001, &moved)
                .unwrap(),
            1
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_fifo_or_link_in_place_of_the_state_file_neither_blocks_nor_is_followed() {
        let dir = temp_dir("fifo");
        let path = dir.join("state.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        // In a thread, so a regression fails the test instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        let p = path.clone();
        std::thread::spawn(move || {
            let mut store = RevisionStore::open(&p);
            let _ = tx.send(store.take_faults());
        });
        let faults = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("opening the state file blocked on a FIFO");
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert_eq!(faults[0].reason, "read");
        std::fs::remove_file(&path).unwrap();
        // A link to a valid state file elsewhere is not followed.
        let elsewhere = dir.join("elsewhere.json");
        std::fs::write(&elsewhere, r#"{"intersections": {}}"#).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        let mut store = RevisionStore::open(&path);
        let faults = store.take_faults();
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert_eq!(faults[0].reason, "read");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_temporary_file_left_by_a_kill_is_removed_on_open() {
        let dir = temp_dir("stale-tmp");
        let path = dir.join("state.json");
        std::fs::write(dir.join("state.json.tmp"), "{\"intersect").unwrap();
        let mut store = RevisionStore::open(&path);
        assert!(store.take_faults().is_empty());
        assert!(!dir.join("state.json.tmp").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The child of [`a_kill_at_any_moment_loses_no_acknowledged_revision`]: changes
    /// intersection 1001's MAP again and again, printing each revision once it is saved.
    #[test]
    #[ignore = "a child process of a_kill_at_any_moment_loses_no_acknowledged_revision"]
    fn revision_writer_child() {
        use std::io::Write as _;
        let Some(path) = std::env::var_os("RSU_REVISION_WRITER") else {
            return;
        };
        // Each child's MAPs differ from every earlier child's.
        let round: i32 = std::env::var("RSU_REVISION_ROUND")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(0);
        let mut store = RevisionStore::open(Path::new(&path));
        assert!(store.take_faults().is_empty());
        let mut out = std::io::stdout().lock();
        let base = two_approaches();
        for step in 0.. {
            let mut moved = base.clone();
            lanes_mut(&mut moved)[0].nodes_cm[0].0 += step % 1000;
            lanes_mut(&mut moved)[0].nodes_cm[0].1 += round;
            let map = build_map(&moved, 0).unwrap();
            let revision = store.revision_for(1001, &map).unwrap();
            assert!(store.persisted());
            let hash = content_hash(&map).unwrap();
            // A line of its own: the harness's "test … ... " has no newline before it.
            writeln!(out, "\nack {revision} {hash:016x}").unwrap();
            out.flush().unwrap();
        }
    }

    #[test]
    fn a_kill_at_any_moment_loses_no_acknowledged_revision() {
        use std::io::BufRead as _;
        let dir = temp_dir("kill");
        let path = dir.join("state.json");
        let exe = std::env::current_exe().unwrap();
        let mut last: Option<(u8, String)> = None;
        let mut total = 0;
        for round in 0u64..24 {
            // Through RSU_TEST_RUNNER when set (CI's qemu for the aarch64 build): the
            // kernel cannot start a foreign-architecture binary itself.
            let runner = std::env::var("RSU_TEST_RUNNER").unwrap_or_default();
            let mut argv = runner.split_whitespace().map(std::ffi::OsString::from);
            let mut cmd = match argv.next() {
                Some(program) => {
                    let mut c = std::process::Command::new(program);
                    c.args(argv).arg(&exe);
                    c
                }
                None => std::process::Command::new(&exe),
            };
            let mut child = cmd
                .args([
                    "--exact",
                    "j2735::map::tests::revision_writer_child",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("RSU_REVISION_WRITER", &path)
                .env("RSU_REVISION_ROUND", round.to_string())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let stdout = child.stdout.take().unwrap();
            let mut lines = std::io::BufReader::new(stdout).lines();
            // Kill after a varying number of acknowledged writes (0..=10), so the kill
            // lands at different points of the write, fsync and rename.
            let wanted = round % 11;
            let mut acked = 0;
            while acked < wanted {
                let Some(Ok(line)) = lines.next() else { break };
                let Some((rev, hash)) = line.strip_prefix("ack ").and_then(|l| l.split_once(' '))
                else {
                    continue; // the test harness's own lines
                };
                let Ok(rev) = rev.parse::<u8>() else { continue };
                if let Some((prev, _)) = &last {
                    assert_eq!(
                        rev,
                        (prev + 1) % 128,
                        "round {round}: a revision went backwards or skipped"
                    );
                }
                last = Some((rev, hash.to_owned()));
                acked += 1;
            }
            child.kill().unwrap();
            // Acknowledgements printed before the kill landed.
            for line in lines.map_while(Result::ok) {
                if let Some((rev, hash)) = line.strip_prefix("ack ").and_then(|l| l.split_once(' '))
                    && let Ok(rev) = rev.parse::<u8>()
                {
                    if let Some((prev, _)) = &last {
                        assert_eq!(rev, (prev + 1) % 128, "round {round}");
                    }
                    last = Some((rev, hash.to_owned()));
                    acked += 1;
                }
            }
            child.wait().unwrap();
            total += acked;
            // The file is the acknowledged state or the one being written after it, whole.
            if last.is_none() && !path.exists() {
                continue; // killed before its first write
            }
            let bytes = std::fs::read(&path).unwrap();
            let entries = parse_state(&bytes).unwrap_or_else(|e| panic!("round {round}: {e}"));
            if let Some((rev, hash)) = &last {
                let &(on_disk_hash, on_disk) = entries.get(&1001).unwrap();
                if on_disk == *rev {
                    assert_eq!(format!("{on_disk_hash:016x}"), *hash, "round {round}");
                } else {
                    assert_eq!(on_disk, (rev + 1) % 128, "round {round}: lost {rev}");
                    // The unacknowledged write became the state: count on from it.
                    last = Some((on_disk, format!("{on_disk_hash:016x}")));
                }
            }
        }
        assert!(
            total > 24,
            "only {total} acknowledged writes: the child did not run"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn fnv1a_known_answers() {
        // The FNV-1a 64 offset basis and the published value for "a".
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
