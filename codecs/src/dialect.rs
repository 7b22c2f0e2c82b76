//! The two dialects of the ISO TS 19091 intersection structure (SPAT, MapData, SRM, SSM):
//! SAE J2735 and ETSI-ITS-DSRC (TS 103 301, which takes ISO TS 19091 ed. 2 and the ETSI
//! common data dictionary's types).
//!
//! The structure is written once in [`crate::j2735`]; the types that reach a difference take
//! a dialect parameter that defaults to [`J2735`], so US code names them without one
//! (`MapData` is `MapData<J2735>`) and EU code writes `MapData<Etsi>`. The wire differences
//! are exactly these (checked field by field for SPAT, MapData, SRM and SSM):
//! - Longitude: J2735 -1799999999..1800000001, ETSI CDD -1800000000..1800000001. The lower
//!   bound is the offset of the constrained integer, so the same longitude gives other bits;
//! - Iso3833VehicleType: J2735 0..100, ETSI CDD 0..255 (both 8 bits);
//! - TimeMark: J2735-2020 0..36111, ISO 0..36001. Both are 16 bits from 0, so every value
//!   both accept encodes alike; SPAT is therefore shared as is, and the ETSI envelope checks
//!   the narrower range (see `etsi::check_time_marks`).

use core::fmt::Debug;
use core::hash::Hash;

use rasn::prelude::*;

/// A set of the types that differ between J2735 and ETSI-ITS-DSRC.
///
/// The rasn derives put `Dialect: Encode + Decode + ...` bounds on the generic types, so the
/// marker types implement those traits too; they are never encoded themselves.
pub trait Dialect:
    AsnType + Encode + Decode + Debug + Clone + Copy + PartialEq + Eq + Hash + Send + Sync + 'static
{
    /// The dialect's name as users see it (`j2735`, `etsi`).
    const NAME: &'static str;
    /// Longitude in 0.1 microdegree.
    type Longitude: AsnType
        + Encode
        + Decode
        + Debug
        + Clone
        + Copy
        + PartialEq
        + Eq
        + Hash
        + Send
        + Sync;
    /// ISO 3833 vehicle type code.
    type VehicleType: AsnType
        + Encode
        + Decode
        + Debug
        + Clone
        + Copy
        + PartialEq
        + Eq
        + Hash
        + Send
        + Sync;

    /// The longitude's value in 0.1 microdegree.
    fn longitude_value(long: &Self::Longitude) -> i32;
    /// A longitude of this dialect; a value outside its range is refused when encoded.
    fn longitude(value: i32) -> Self::Longitude;
    /// The vehicle type's code.
    fn vehicle_type_value(vt: &Self::VehicleType) -> u8;
    /// A vehicle type of this dialect; a code outside its range is refused when encoded.
    fn vehicle_type(value: u8) -> Self::VehicleType;
}

/// SAE J2735 (US): the default dialect of every shared type.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct J2735;

/// ETSI-ITS-DSRC / ISO TS 19091 ed. 2 with the ETSI CDD types (EU, TS 103 301).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Etsi;

impl Dialect for J2735 {
    const NAME: &'static str = "j2735";
    type Longitude = crate::j2735::Longitude;
    type VehicleType = crate::j2735::Iso3833VehicleType;

    fn longitude_value(long: &Self::Longitude) -> i32 {
        long.0
    }
    fn longitude(value: i32) -> Self::Longitude {
        crate::j2735::Longitude(value)
    }
    fn vehicle_type_value(vt: &Self::VehicleType) -> u8 {
        vt.0
    }
    fn vehicle_type(value: u8) -> Self::VehicleType {
        crate::j2735::Iso3833VehicleType(value)
    }
}

impl Dialect for Etsi {
    const NAME: &'static str = "etsi";
    type Longitude = crate::etsi::Longitude;
    type VehicleType = crate::etsi::Iso3833VehicleType;

    fn longitude_value(long: &Self::Longitude) -> i32 {
        long.0
    }
    fn longitude(value: i32) -> Self::Longitude {
        crate::etsi::Longitude(value)
    }
    fn vehicle_type_value(vt: &Self::VehicleType) -> u8 {
        vt.0
    }
    fn vehicle_type(value: u8) -> Self::VehicleType {
        crate::etsi::Iso3833VehicleType(value)
    }
}

/// Moves a value of the shared structure to another dialect, field by field: `map_data
/// .redialect::<Etsi>()` turns the MapData the US path builds into the one a MAPEM carries.
///
/// Nothing is checked here: a value the target dialect does not allow (a J2735 vehicle type
/// above 100 from an ETSI message, an ETSI longitude of -1800000000) is refused when encoded,
/// with its field path, like any other out-of-range value.
pub trait Redialect {
    /// The same type in dialect `T`.
    type To<T: Dialect>;
    /// The same value in dialect `T`.
    fn redialect<T: Dialect>(self) -> Self::To<T>;
}

impl<X: Redialect> Redialect for Option<X> {
    type To<T: Dialect> = Option<X::To<T>>;
    fn redialect<T: Dialect>(self) -> Self::To<T> {
        self.map(Redialect::redialect)
    }
}

impl<X: Redialect> Redialect for Vec<X> {
    type To<T: Dialect> = Vec<X::To<T>>;
    fn redialect<T: Dialect>(self) -> Self::To<T> {
        self.into_iter().map(Redialect::redialect).collect()
    }
}

/// `Redialect` for a generic SEQUENCE: the named fields are converted, the others moved.
macro_rules! redialect_struct {
    ($($ty:ident { $($conv:ident),* ; $($same:ident),* })*) => {$(
        impl<S: Dialect> Redialect for $ty<S> {
            type To<T: Dialect> = $ty<T>;
            fn redialect<T: Dialect>(self) -> $ty<T> {
                $ty { $($conv: self.$conv.redialect(),)* $($same: self.$same,)* }
            }
        }
    )*};
}

/// `Redialect` for a generic SEQUENCE OF newtype.
macro_rules! redialect_list {
    ($($ty:ident)*) => {$(
        impl<S: Dialect> Redialect for $ty<S> {
            type To<T: Dialect> = $ty<T>;
            fn redialect<T: Dialect>(self) -> $ty<T> {
                $ty(self.0.redialect())
            }
        }
    )*};
}

use crate::j2735::{
    GenericLane, IntersectionGeometry, IntersectionGeometryList, LaneList, MapData, NodeLLmD64b,
    NodeListXY, NodeOffsetPointXY, NodeSetXY, NodeXY, Position3D, RequestorDescription,
    RequestorPositionVector, RequestorType, RoadLaneSetList, RoadSegment, RoadSegmentList,
    SignalRequestMessage, SignalRequesterInfo, SignalStatus, SignalStatusList, SignalStatusMessage,
    SignalStatusPackage, SignalStatusPackageList,
};

impl<S: Dialect> Redialect for Position3D<S> {
    type To<T: Dialect> = Position3D<T>;
    fn redialect<T: Dialect>(self) -> Position3D<T> {
        Position3D {
            lat: self.lat,
            long: T::longitude(S::longitude_value(&self.long)),
            elevation: self.elevation,
            regional: self.regional,
        }
    }
}

impl<S: Dialect> Redialect for NodeLLmD64b<S> {
    type To<T: Dialect> = NodeLLmD64b<T>;
    fn redialect<T: Dialect>(self) -> NodeLLmD64b<T> {
        NodeLLmD64b {
            lon: T::longitude(S::longitude_value(&self.lon)),
            lat: self.lat,
        }
    }
}

impl<S: Dialect> Redialect for RequestorType<S> {
    type To<T: Dialect> = RequestorType<T>;
    fn redialect<T: Dialect>(self) -> RequestorType<T> {
        RequestorType {
            role: self.role,
            subrole: self.subrole,
            request: self.request,
            iso3883: self
                .iso3883
                .map(|vt| T::vehicle_type(S::vehicle_type_value(&vt))),
            hpms_type: self.hpms_type,
            regional: self.regional,
        }
    }
}

impl<S: Dialect> Redialect for NodeOffsetPointXY<S> {
    type To<T: Dialect> = NodeOffsetPointXY<T>;
    fn redialect<T: Dialect>(self) -> NodeOffsetPointXY<T> {
        match self {
            Self::NodeXY1(n) => NodeOffsetPointXY::NodeXY1(n),
            Self::NodeXY2(n) => NodeOffsetPointXY::NodeXY2(n),
            Self::NodeXY3(n) => NodeOffsetPointXY::NodeXY3(n),
            Self::NodeXY4(n) => NodeOffsetPointXY::NodeXY4(n),
            Self::NodeXY5(n) => NodeOffsetPointXY::NodeXY5(n),
            Self::NodeXY6(n) => NodeOffsetPointXY::NodeXY6(n),
            Self::NodeLatLon(n) => NodeOffsetPointXY::NodeLatLon(n.redialect()),
            Self::Regional(r) => NodeOffsetPointXY::Regional(r),
        }
    }
}

impl<S: Dialect> Redialect for NodeListXY<S> {
    type To<T: Dialect> = NodeListXY<T>;
    fn redialect<T: Dialect>(self) -> NodeListXY<T> {
        match self {
            Self::Nodes(n) => NodeListXY::Nodes(n.redialect()),
            Self::Computed(c) => NodeListXY::Computed(c),
        }
    }
}

redialect_struct! {
    NodeXY { delta; attributes }
    GenericLane { node_list; lane_id, name, ingress_approach, egress_approach,
        lane_attributes, maneuvers, connects_to, overlays, regional }
    IntersectionGeometry { ref_point, lane_set; name, id, revision, lane_width, speed_limits,
        preempt_priority_data, regional }
    RoadSegment { ref_point, road_lane_set; name, id, revision, lane_width, speed_limits,
        regional }
    MapData { intersections, road_segments; time_stamp, msg_issue_revision, layer_type,
        layer_id, data_parameters, restriction_list, regional }
    RequestorPositionVector { position; heading, speed }
    RequestorDescription { type_, position; id, name, route_name, transit_status,
        transit_occupancy, transit_schedule, regional }
    SignalRequestMessage { requestor; time_stamp, second, sequence_number, requests, regional }
    SignalRequesterInfo { type_data; id, request, sequence_number, role }
    SignalStatusPackage { requester; inbound_on, outbound_on, minute, second, duration,
        status, regional }
    SignalStatus { sig_status; sequence_number, id, regional }
    SignalStatusMessage { status; time_stamp, second, sequence_number, regional }
}

redialect_list! {
    NodeSetXY IntersectionGeometryList LaneList RoadLaneSetList RoadSegmentList
    SignalStatusList SignalStatusPackageList
}
