//! Signal Request Message (SRM, messageId 29) and Signal Status Message (SSM, messageId 30):
//! priority and preemption requests sent to a signal controller, and its answers.

use rasn::prelude::*;

use super::*;

/// Signal request message: one vehicle's priority or preemption requests to intersections.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SignalRequestMessage<S: Dialect = J2735> {
    #[rasn(identifier = "timeStamp")]
    pub time_stamp: Option<MinuteOfTheYear>,
    pub second: DSecond,
    #[rasn(identifier = "sequenceNumber")]
    pub sequence_number: Option<MsgCount>,
    pub requests: Option<SignalRequestList>,
    pub requestor: RequestorDescription<S>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl<S: Dialect> SignalRequestMessage<S> {
    /// A request message with its time and requestor only.
    pub fn new(second: DSecond, requestor: RequestorDescription<S>) -> Self {
        Self {
            time_stamp: None,
            second,
            sequence_number: None,
            requests: None,
            requestor,
            regional: None,
        }
    }
}

/// Schedule adherence of a transit vehicle in 10 s steps (-122 = unavailable, -121 and 120
/// saturate at 20 minutes early or late).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-122..=121"))]
pub struct DeltaTime(pub i8);

/// Where a requester enters or leaves an intersection: a lane, an approach or a connection.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum IntersectionAccessPoint {
    #[rasn(identifier = "lane")]
    Lane(LaneID),
    #[rasn(identifier = "approach")]
    Approach(ApproachID),
    #[rasn(identifier = "connection")]
    Connection(LaneConnectionID),
}

/// Controller's answer to a priority or preemption request.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum PrioritizationResponseStatus {
    #[rasn(identifier = "unknown")]
    Unknown = 0,
    #[rasn(identifier = "requested")]
    Requested = 1,
    #[rasn(identifier = "processing")]
    Processing = 2,
    #[rasn(identifier = "watchOtherTraffic")]
    WatchOtherTraffic = 3,
    #[rasn(identifier = "granted")]
    Granted = 4,
    #[rasn(identifier = "rejected")]
    Rejected = 5,
    #[rasn(identifier = "maxPresence")]
    MaxPresence = 6,
    #[rasn(identifier = "reserviceLocked")]
    ReserviceLocked = 7,
}

/// Kind of request: new request, update or cancellation.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum PriorityRequestType {
    #[rasn(identifier = "priorityRequestTypeReserved")]
    PriorityRequestTypeReserved = 0,
    #[rasn(identifier = "priorityRequest")]
    PriorityRequest = 1,
    #[rasn(identifier = "priorityRequestUpdate")]
    PriorityRequestUpdate = 2,
    #[rasn(identifier = "priorityCancellation")]
    PriorityCancellation = 3,
}

/// Request number chosen by the requester, echoed in the status message.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct RequestID(pub u8);

/// Importance of a request within the requester's role (1 = least important).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum RequestImportanceLevel {
    #[rasn(identifier = "requestImportanceLevelUnKnown")]
    RequestImportanceLevelUnKnown = 0,
    #[rasn(identifier = "requestImportanceLevel1")]
    RequestImportanceLevel1 = 1,
    #[rasn(identifier = "requestImportanceLevel2")]
    RequestImportanceLevel2 = 2,
    #[rasn(identifier = "requestImportanceLevel3")]
    RequestImportanceLevel3 = 3,
    #[rasn(identifier = "requestImportanceLevel4")]
    RequestImportanceLevel4 = 4,
    #[rasn(identifier = "requestImportanceLevel5")]
    RequestImportanceLevel5 = 5,
    #[rasn(identifier = "requestImportanceLevel6")]
    RequestImportanceLevel6 = 6,
    #[rasn(identifier = "requestImportanceLevel7")]
    RequestImportanceLevel7 = 7,
    #[rasn(identifier = "requestImportanceLevel8")]
    RequestImportanceLevel8 = 8,
    #[rasn(identifier = "requestImportanceLevel9")]
    RequestImportanceLevel9 = 9,
    #[rasn(identifier = "requestImportanceLevel10")]
    RequestImportanceLevel10 = 10,
    #[rasn(identifier = "requestImportanceLevel11")]
    RequestImportanceLevel11 = 11,
    #[rasn(identifier = "requestImportanceLevel12")]
    RequestImportanceLevel12 = 12,
    #[rasn(identifier = "requestImportanceLevel13")]
    RequestImportanceLevel13 = 13,
    #[rasn(identifier = "requestImportanceLevel14")]
    RequestImportanceLevel14 = 14,
    #[rasn(identifier = "requestImportanceReserved")]
    RequestImportanceReserved = 15,
}

/// Regionally defined sub-role of a requester within its basic role.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum RequestSubRole {
    #[rasn(identifier = "requestSubRoleUnKnown")]
    RequestSubRoleUnKnown = 0,
    #[rasn(identifier = "requestSubRole1")]
    RequestSubRole1 = 1,
    #[rasn(identifier = "requestSubRole2")]
    RequestSubRole2 = 2,
    #[rasn(identifier = "requestSubRole3")]
    RequestSubRole3 = 3,
    #[rasn(identifier = "requestSubRole4")]
    RequestSubRole4 = 4,
    #[rasn(identifier = "requestSubRole5")]
    RequestSubRole5 = 5,
    #[rasn(identifier = "requestSubRole6")]
    RequestSubRole6 = 6,
    #[rasn(identifier = "requestSubRole7")]
    RequestSubRole7 = 7,
    #[rasn(identifier = "requestSubRole8")]
    RequestSubRole8 = 8,
    #[rasn(identifier = "requestSubRole9")]
    RequestSubRole9 = 9,
    #[rasn(identifier = "requestSubRole10")]
    RequestSubRole10 = 10,
    #[rasn(identifier = "requestSubRole11")]
    RequestSubRole11 = 11,
    #[rasn(identifier = "requestSubRole12")]
    RequestSubRole12 = 12,
    #[rasn(identifier = "requestSubRole13")]
    RequestSubRole13 = 13,
    #[rasn(identifier = "requestSubRole14")]
    RequestSubRole14 = 14,
    #[rasn(identifier = "requestSubRoleReserved")]
    RequestSubRoleReserved = 15,
}

/// Who is asking: vehicle id, type, position and transit data.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RequestorDescription<S: Dialect = J2735> {
    pub id: VehicleID,
    #[rasn(identifier = "type")]
    pub type_: Option<RequestorType<S>>,
    pub position: Option<RequestorPositionVector<S>>,
    pub name: Option<DescriptiveName>,
    #[rasn(identifier = "routeName")]
    pub route_name: Option<DescriptiveName>,
    #[rasn(identifier = "transitStatus")]
    pub transit_status: Option<TransitVehicleStatus>,
    #[rasn(identifier = "transitOccupancy")]
    pub transit_occupancy: Option<TransitVehicleOccupancy>,
    #[rasn(identifier = "transitSchedule")]
    pub transit_schedule: Option<DeltaTime>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl RequestorDescription {
    /// A requestor known only by its vehicle id.
    pub fn new(id: VehicleID) -> Self {
        Self::new_in(id)
    }
}
impl<S: Dialect> RequestorDescription<S> {
    /// Like `new`, in dialect `S`.
    pub fn new_in(id: VehicleID) -> Self {
        Self {
            id,
            type_: None,
            position: None,
            name: None,
            route_name: None,
            transit_status: None,
            transit_occupancy: None,
            transit_schedule: None,
            regional: None,
        }
    }
}

/// Position of the requester, with optional heading and speed.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RequestorPositionVector<S: Dialect = J2735> {
    pub position: Position3D<S>,
    pub heading: Option<Angle>,
    pub speed: Option<TransmissionAndSpeed>,
}
impl<S: Dialect> RequestorPositionVector<S> {
    /// A position with no heading or speed.
    pub fn new(position: Position3D<S>) -> Self {
        Self {
            position,
            heading: None,
            speed: None,
        }
    }
}

/// Role and classification of a requester.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RequestorType<S: Dialect = J2735> {
    pub role: BasicVehicleRole,
    pub subrole: Option<RequestSubRole>,
    pub request: Option<RequestImportanceLevel>,
    pub iso3883: Option<S::VehicleType>,
    #[rasn(identifier = "hpmsType")]
    pub hpms_type: Option<VehicleType>,
    pub regional: Option<RegionalExtension>,
}
impl RequestorType {
    /// A requester type with its basic role only.
    pub fn new(role: BasicVehicleRole) -> Self {
        Self::new_in(role)
    }
}
impl<S: Dialect> RequestorType<S> {
    /// Like `new`, in dialect `S`.
    pub fn new_in(role: BasicVehicleRole) -> Self {
        Self {
            role,
            subrole: None,
            request: None,
            iso3883: None,
            hpms_type: None,
            regional: None,
        }
    }
}

/// One request to one intersection: what is asked and the path through it.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SignalRequest {
    pub id: IntersectionReferenceID,
    #[rasn(identifier = "requestID")]
    pub request_id: RequestID,
    #[rasn(identifier = "requestType")]
    pub request_type: PriorityRequestType,
    #[rasn(identifier = "inBoundLane")]
    pub in_bound_lane: IntersectionAccessPoint,
    #[rasn(identifier = "outBoundLane")]
    pub out_bound_lane: Option<IntersectionAccessPoint>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl SignalRequest {
    /// A request with its mandatory fields only.
    pub fn new(
        id: IntersectionReferenceID,
        request_id: RequestID,
        request_type: PriorityRequestType,
        in_bound_lane: IntersectionAccessPoint,
    ) -> Self {
        Self {
            id,
            request_id,
            request_type,
            in_bound_lane,
            out_bound_lane: None,
            regional: None,
        }
    }
}

/// 1 to 32 request packages.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32"))]
pub struct SignalRequestList(pub SequenceOf<SignalRequestPackage>);

/// A request with its estimated arrival time and service duration.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SignalRequestPackage {
    pub request: SignalRequest,
    pub minute: Option<MinuteOfTheYear>,
    pub second: Option<DSecond>,
    pub duration: Option<DSecond>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl SignalRequestPackage {
    /// A package holding only the request.
    pub fn new(request: SignalRequest) -> Self {
        Self {
            request,
            minute: None,
            second: None,
            duration: None,
            regional: None,
        }
    }
}

/// Identity of the party that made a request, as echoed in a status message.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SignalRequesterInfo<S: Dialect = J2735> {
    pub id: VehicleID,
    pub request: RequestID,
    #[rasn(identifier = "sequenceNumber")]
    pub sequence_number: MsgCount,
    pub role: Option<BasicVehicleRole>,
    #[rasn(identifier = "typeData")]
    pub type_data: Option<RequestorType<S>>,
}
impl SignalRequesterInfo {
    /// Requester info with its mandatory fields only.
    pub fn new(id: VehicleID, request: RequestID, sequence_number: MsgCount) -> Self {
        Self::new_in(id, request, sequence_number)
    }
}
impl<S: Dialect> SignalRequesterInfo<S> {
    /// Like `new`, in dialect `S`.
    pub fn new_in(id: VehicleID, request: RequestID, sequence_number: MsgCount) -> Self {
        Self {
            id,
            request,
            sequence_number,
            role: None,
            type_data: None,
        }
    }
}

/// Status of all requests at one intersection.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SignalStatus<S: Dialect = J2735> {
    #[rasn(identifier = "sequenceNumber")]
    pub sequence_number: MsgCount,
    pub id: IntersectionReferenceID,
    #[rasn(identifier = "sigStatus")]
    pub sig_status: SignalStatusPackageList<S>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl<S: Dialect> SignalStatus<S> {
    /// An intersection status with its mandatory fields only.
    pub fn new(
        sequence_number: MsgCount,
        id: IntersectionReferenceID,
        sig_status: SignalStatusPackageList<S>,
    ) -> Self {
        Self {
            sequence_number,
            id,
            sig_status,
            regional: None,
        }
    }
}

/// 1 to 32 intersection statuses.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32"))]
pub struct SignalStatusList<S: Dialect = J2735>(pub SequenceOf<SignalStatus<S>>);

/// Signal status message: the controller's state of the requests it has received.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SignalStatusMessage<S: Dialect = J2735> {
    #[rasn(identifier = "timeStamp")]
    pub time_stamp: Option<MinuteOfTheYear>,
    pub second: DSecond,
    #[rasn(identifier = "sequenceNumber")]
    pub sequence_number: Option<MsgCount>,
    pub status: SignalStatusList<S>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl<S: Dialect> SignalStatusMessage<S> {
    /// A status message with its time and status list only.
    pub fn new(second: DSecond, status: SignalStatusList<S>) -> Self {
        Self {
            time_stamp: None,
            second,
            sequence_number: None,
            status,
            regional: None,
        }
    }
}

/// Status of one request: requester, path, estimated arrival and the controller's answer.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct SignalStatusPackage<S: Dialect = J2735> {
    pub requester: Option<SignalRequesterInfo<S>>,
    #[rasn(identifier = "inboundOn")]
    pub inbound_on: IntersectionAccessPoint,
    #[rasn(identifier = "outboundOn")]
    pub outbound_on: Option<IntersectionAccessPoint>,
    pub minute: Option<MinuteOfTheYear>,
    pub second: Option<DSecond>,
    pub duration: Option<DSecond>,
    pub status: PrioritizationResponseStatus,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}
impl SignalStatusPackage {
    /// A request status with its mandatory fields only.
    pub fn new(inbound_on: IntersectionAccessPoint, status: PrioritizationResponseStatus) -> Self {
        Self::new_in(inbound_on, status)
    }
}
impl<S: Dialect> SignalStatusPackage<S> {
    /// Like `new`, in dialect `S`.
    pub fn new_in(
        inbound_on: IntersectionAccessPoint,
        status: PrioritizationResponseStatus,
    ) -> Self {
        Self {
            requester: None,
            inbound_on,
            outbound_on: None,
            minute: None,
            second: None,
            duration: None,
            status,
            regional: None,
        }
    }
}

/// 1 to 32 request statuses.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32"))]
pub struct SignalStatusPackageList<S: Dialect = J2735>(pub SequenceOf<SignalStatusPackage<S>>);

/// Station identifier of a V2X device (32 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=4294967295"))]
pub struct StationID(pub u32);

/// Occupancy level of a transit vehicle.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum TransitVehicleOccupancy {
    #[rasn(identifier = "occupancyUnknown")]
    OccupancyUnknown = 0,
    #[rasn(identifier = "occupancyEmpty")]
    OccupancyEmpty = 1,
    #[rasn(identifier = "occupancyVeryLow")]
    OccupancyVeryLow = 2,
    #[rasn(identifier = "occupancyLow")]
    OccupancyLow = 3,
    #[rasn(identifier = "occupancyMed")]
    OccupancyMed = 4,
    #[rasn(identifier = "occupancyHigh")]
    OccupancyHigh = 5,
    #[rasn(identifier = "occupancyNearlyFull")]
    OccupancyNearlyFull = 6,
    #[rasn(identifier = "occupancyFull")]
    OccupancyFull = 7,
}

/// Current activity flags of a transit vehicle (8 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("8"))]
pub struct TransitVehicleStatus(pub BitString);
impl TransitVehicleStatus {
    pub const LOADING: usize = 0;
    pub const AN_ADA_USE: usize = 1;
    pub const A_BIKE_LOAD: usize = 2;
    pub const DOOR_OPEN: usize = 3;
    pub const CHARGING: usize = 4;
    pub const AT_STOP_LINE: usize = 5;
}

/// Vehicle identity: a temporary id or a station id.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum VehicleID {
    #[rasn(identifier = "entityID")]
    EntityId(TemporaryID),
    #[rasn(identifier = "stationID")]
    StationId(StationID),
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn hand_made_request_and_status_round_trip() {
        let intersection = IntersectionReferenceID {
            region: None,
            id: IntersectionID(12110),
        };
        let mut request = SignalRequest::new(
            intersection,
            RequestID(4),
            PriorityRequestType::PriorityRequest,
            IntersectionAccessPoint::Lane(LaneID(13)),
        );
        request.out_bound_lane = Some(IntersectionAccessPoint::Approach(ApproachID(2)));
        let mut package = SignalRequestPackage::new(request);
        package.duration = Some(DSecond(10979));

        let mut requestor = RequestorDescription::new(VehicleID::StationId(StationID(2366845094)));
        let mut type_ = RequestorType::new(BasicVehicleRole::Transit);
        type_.subrole = Some(RequestSubRole::RequestSubRole3);
        type_.request = Some(RequestImportanceLevel::RequestImportanceLevel14);
        requestor.type_ = Some(type_.clone());
        let mut transit = BitString::repeat(false, 8);
        transit.set(TransitVehicleStatus::DOOR_OPEN, true);
        requestor.transit_status = Some(TransitVehicleStatus(transit));
        requestor.transit_occupancy = Some(TransitVehicleOccupancy::OccupancyNearlyFull);
        requestor.transit_schedule = Some(DeltaTime(-122));

        let mut srm = SignalRequestMessage::new(DSecond(0), requestor);
        srm.sequence_number = Some(MsgCount(1));
        srm.requests = Some(SignalRequestList(vec![package]));
        let bytes = rasn::uper::encode(&srm).unwrap();
        assert_eq!(
            rasn::uper::decode::<SignalRequestMessage>(&bytes).unwrap(),
            srm
        );

        let mut requester = SignalRequesterInfo::new(
            VehicleID::EntityId(TemporaryID(FixedOctetString::from([1, 2, 3, 4]))),
            RequestID(4),
            MsgCount(1),
        );
        requester.type_data = Some(type_);
        let mut status = SignalStatusPackage::new(
            IntersectionAccessPoint::Connection(LaneConnectionID(7)),
            PrioritizationResponseStatus::Granted,
        );
        status.requester = Some(requester);
        let ssm = SignalStatusMessage::new(
            DSecond(30000),
            SignalStatusList(vec![SignalStatus::new(
                MsgCount(2),
                intersection,
                SignalStatusPackageList(vec![status]),
            )]),
        );
        let bytes = rasn::uper::encode(&ssm).unwrap();
        assert_eq!(
            rasn::uper::decode::<SignalStatusMessage>(&bytes).unwrap(),
            ssm
        );
        let json = rasn::jer::encode(&ssm).unwrap();
        assert_eq!(
            rasn::jer::decode::<SignalStatusMessage>(&json).unwrap(),
            ssm
        );

        srm.requestor.transit_schedule = Some(DeltaTime(122));
        assert!(rasn::uper::encode(&srm).is_err());
    }
}
