//! The intersection as the traffic authority describes it: reference point, lanes,
//! connections and the signal groups that control them. Free of any one message standard:
//! the J2735 (and later ETSI and CSAE) builders read it.

use crate::controller::SignalSource;

/// A point in WGS-84: latitude and longitude in 1e-7 degrees, elevation in decimetres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GeoPoint {
    /// Latitude, −900000000..=900000000.
    pub lat_1e7: i32,
    /// Longitude, −1800000000..=1800000000.
    pub lon_1e7: i32,
    /// Elevation above the WGS-84 ellipsoid in 0.1 m, if known.
    pub elevation_dm: Option<i32>,
}

/// How a signal group's green is to be understood by drivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GreenKind {
    /// No conflicting movement has green (a protected left arrow, a through movement).
    #[default]
    Protected,
    /// Conflicting traffic may be present (a permissive left turn, an overlap's right turn).
    Permissive,
}

/// One signal group: its number on the air and the controller output that drives it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SignalGroup {
    /// The SignalGroupID, 1..=254 (0 and 255 are reserved in J2735).
    pub id: u8,
    /// The phase, overlap or pedestrian phase behind it.
    pub source: SignalSource,
    /// Whether green (Walk, for a pedestrian group) is protected or permissive.
    pub green: GreenKind,
    /// An optional name for the movement (J2735 movementName).
    pub name: Option<String>,
}

/// Which way traffic uses a lane, seen from the intersection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LaneDirection {
    /// Traffic approaches the intersection (J2735 LaneDirection ingressPath).
    Ingress,
    /// Traffic leaves the intersection (egressPath).
    Egress,
    /// Both (a two-way crosswalk or sidewalk).
    Both,
}

/// What uses a lane (J2735 LaneTypeAttributes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LaneKind {
    /// Motor vehicles.
    Vehicle,
    /// A pedestrian crosswalk.
    Crosswalk,
    /// A bicycle lane.
    Bike,
    /// A sidewalk.
    Sidewalk,
}

/// A movement from one lane to another (J2735 AllowedManeuvers, one bit each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Maneuver {
    /// Straight through.
    Straight,
    /// Left turn.
    Left,
    /// Right turn.
    Right,
    /// U-turn.
    UTurn,
}

/// A connection from this lane's stop line to an egress lane, and the signal group that
/// controls it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Connection {
    /// The lane it leads to (of this intersection).
    pub to_lane: u8,
    /// The movement.
    pub maneuver: Maneuver,
    /// The controlling signal group, if signalised.
    pub signal_group: Option<u8>,
    /// An identifier for the connection, unique in the intersection (J2735
    /// LaneConnectionID), if the authority assigns one.
    pub connection_id: Option<u8>,
}

/// One lane: an ordered list of node offsets from the reference point, starting at the stop
/// line (ingress) or at the intersection edge (egress).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lane {
    /// The LaneID, 1..=255, unique in the intersection.
    pub id: u8,
    /// An optional name.
    pub name: Option<String>,
    /// Ingress, egress or both.
    pub direction: LaneDirection,
    /// The approach it belongs to (1..=15), if the authority numbers approaches.
    pub approach: Option<u8>,
    /// Vehicle, crosswalk, bike or sidewalk.
    pub kind: LaneKind,
    /// Movements allowed at the end of the lane.
    pub maneuvers: Vec<Maneuver>,
    /// Node offsets (east, north) from the reference point in centimetres; at least two.
    pub nodes_cm: Vec<(i32, i32)>,
    /// Connections to egress lanes.
    pub connections: Vec<Connection>,
}

/// An intersection's geometry: what the MAP describes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Geometry {
    /// The reference point the lane nodes are offsets from.
    pub reference: GeoPoint,
    /// The default lane width in centimetres.
    pub lane_width_cm: u16,
    /// Speed limit in km/h, if one applies to the whole intersection.
    pub speed_limit_kmh: Option<u16>,
    /// The lanes.
    pub lanes: Vec<Lane>,
}

/// One signalised intersection.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Intersection {
    /// The IntersectionID, unique within the road regulator's region.
    pub id: u16,
    /// The road regulator (J2735 RoadRegulatorID), if assigned.
    pub region: Option<u16>,
    /// A name for people (J2735 DescriptiveName, up to 63 characters).
    pub name: String,
    /// The signal groups and what drives them.
    pub signal_groups: Vec<SignalGroup>,
    /// The geometry, when the MAP is built from the model rather than loaded from a file.
    pub geometry: Option<Geometry>,
}

impl Intersection {
    /// The signal group with this id.
    pub fn signal_group(&self, id: u8) -> Option<&SignalGroup> {
        self.signal_groups.iter().find(|g| g.id == id)
    }
}
