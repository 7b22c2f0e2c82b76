//! Personal Safety Message (PSM): position and motion of a vulnerable road user (pedestrian,
//! cyclist, road worker, animal), with the details that describe them.

use rasn::prelude::*;

use super::*;

/// Personal Safety Message: broadcast by or for a vulnerable road user.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct PersonalSafetyMessage {
    #[rasn(identifier = "basicType")]
    pub basic_type: PersonalDeviceUserType,
    #[rasn(identifier = "secMark")]
    pub sec_mark: DSecond,
    #[rasn(identifier = "msgCnt")]
    pub msg_cnt: MsgCount,
    pub id: TemporaryID,
    pub position: Position3D,
    pub accuracy: PositionalAccuracy,
    pub speed: Velocity,
    pub heading: Heading,
    #[rasn(identifier = "accelSet")]
    pub accel_set: Option<AccelerationSet4Way>,
    #[rasn(identifier = "pathHistory")]
    pub path_history: Option<PathHistory>,
    #[rasn(identifier = "pathPrediction")]
    pub path_prediction: Option<PathPrediction>,
    pub propulsion: Option<PropelledInformation>,
    #[rasn(identifier = "useState")]
    pub use_state: Option<PersonalDeviceUsageState>,
    #[rasn(identifier = "crossRequest")]
    pub cross_request: Option<PersonalCrossingRequest>,
    #[rasn(identifier = "crossState")]
    pub cross_state: Option<PersonalCrossingInProgress>,
    #[rasn(identifier = "clusterSize")]
    pub cluster_size: Option<NumberOfParticipantsInCluster>,
    #[rasn(identifier = "clusterRadius")]
    pub cluster_radius: Option<PersonalClusterRadius>,
    #[rasn(identifier = "eventResponderType")]
    pub event_responder_type: Option<PublicSafetyEventResponderWorkerType>,
    #[rasn(identifier = "activityType")]
    pub activity_type: Option<PublicSafetyAndRoadWorkerActivity>,
    #[rasn(identifier = "activitySubType")]
    pub activity_sub_type: Option<PublicSafetyDirectingTrafficSubType>,
    #[rasn(identifier = "assistType")]
    pub assist_type: Option<PersonalAssistive>,
    pub sizing: Option<UserSizeAndBehaviour>,
    pub attachment: Option<Attachment>,
    #[rasn(identifier = "attachmentRadius")]
    pub attachment_radius: Option<AttachmentRadius>,
    #[rasn(identifier = "animalType")]
    pub animal_type: Option<AnimalType>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}

impl PersonalSafetyMessage {
    /// A PSM with its mandatory fields; every optional detail absent.
    pub fn new(
        basic_type: PersonalDeviceUserType,
        sec_mark: DSecond,
        msg_cnt: MsgCount,
        id: TemporaryID,
        position: Position3D,
        accuracy: PositionalAccuracy,
        speed: Velocity,
        heading: Heading,
    ) -> Self {
        Self {
            basic_type,
            sec_mark,
            msg_cnt,
            id,
            position,
            accuracy,
            speed,
            heading,
            accel_set: None,
            path_history: None,
            path_prediction: None,
            propulsion: None,
            use_state: None,
            cross_request: None,
            cross_state: None,
            cluster_size: None,
            cluster_radius: None,
            event_responder_type: None,
            activity_type: None,
            activity_sub_type: None,
            assist_type: None,
            sizing: None,
            attachment: None,
            attachment_radius: None,
            animal_type: None,
            regional: None,
        }
    }
}

/// Kind of road user the PSM describes.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum PersonalDeviceUserType {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "aPEDESTRIAN")]
    APEDESTRIAN = 1,
    #[rasn(identifier = "aPEDALCYCLIST")]
    APEDALCYCLIST = 2,
    #[rasn(identifier = "aPUBLICSAFETYWORKER")]
    APUBLICSAFETYWORKER = 3,
    #[rasn(identifier = "anANIMAL")]
    AnANIMAL = 4,
}

/// How the road user moves: by human power, by animal or by motor.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum PropelledInformation {
    #[rasn(identifier = "human")]
    Human(HumanPropelledType),
    #[rasn(identifier = "animal")]
    Animal(AnimalPropelledType),
    #[rasn(identifier = "motor")]
    Motor(MotorizedPropelledType),
}

/// Human-powered ways of moving.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum HumanPropelledType {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "otherTypes")]
    OtherTypes = 1,
    #[rasn(identifier = "onFoot")]
    OnFoot = 2,
    #[rasn(identifier = "skateboard")]
    Skateboard = 3,
    #[rasn(identifier = "pushOrKickScooter")]
    PushOrKickScooter = 4,
    #[rasn(identifier = "wheelchair")]
    Wheelchair = 5,
}

/// Animal-powered ways of moving.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum AnimalPropelledType {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "otherTypes")]
    OtherTypes = 1,
    #[rasn(identifier = "animalMounted")]
    AnimalMounted = 2,
    #[rasn(identifier = "animalDrawnCarriage")]
    AnimalDrawnCarriage = 3,
}

/// Motorized ways of moving for a personal device user.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum MotorizedPropelledType {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "otherTypes")]
    OtherTypes = 1,
    #[rasn(identifier = "wheelChair")]
    WheelChair = 2,
    #[rasn(identifier = "bicycle")]
    Bicycle = 3,
    #[rasn(identifier = "scooter")]
    Scooter = 4,
    #[rasn(identifier = "selfBalancingDevice")]
    SelfBalancingDevice = 5,
}

/// What the user is doing with their device (all bits clear when unknown).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("9", extensible))]
pub struct PersonalDeviceUsageState(pub BitString);

impl PersonalDeviceUsageState {
    pub const UNAVAILABLE: usize = 0;
    pub const OTHER: usize = 1;
    pub const IDLE: usize = 2;
    pub const LISTENING_TO_AUDIO: usize = 3;
    pub const TYPING: usize = 4;
    pub const CALLING: usize = 5;
    pub const PLAYING_GAMES: usize = 6;
    pub const READING: usize = 7;
    pub const VIEWING: usize = 8;
}

/// True while the user requests to cross.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct PersonalCrossingRequest(pub bool);

/// True while the user is crossing.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate)]
pub struct PersonalCrossingInProgress(pub bool);

/// Size class of a group of users travelling together.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum NumberOfParticipantsInCluster {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "small")]
    Small = 1,
    #[rasn(identifier = "medium")]
    Medium = 2,
    #[rasn(identifier = "large")]
    Large = 3,
}

/// Radius of a group of users, in meters.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=100"))]
pub struct PersonalClusterRadius(pub u8);

/// Kind of public safety worker or event responder.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum PublicSafetyEventResponderWorkerType {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "towOperater")]
    TowOperater = 1,
    #[rasn(identifier = "fireAndEMSWorker")]
    FireAndEMSWorker = 2,
    #[rasn(identifier = "aDOTWorker")]
    ADOTWorker = 3,
    #[rasn(identifier = "lawEnforcement")]
    LawEnforcement = 4,
    #[rasn(identifier = "hazmatResponder")]
    HazmatResponder = 5,
    #[rasn(identifier = "animalControlWorker")]
    AnimalControlWorker = 6,
    #[rasn(identifier = "otherPersonnel")]
    OtherPersonnel = 7,
}

/// Activities of a road worker or public safety worker on foot.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("6", extensible))]
pub struct PublicSafetyAndRoadWorkerActivity(pub BitString);

impl PublicSafetyAndRoadWorkerActivity {
    pub const UNAVAILABLE: usize = 0;
    pub const WORKING_ON_ROAD: usize = 1;
    pub const SETTING_UP_CLOSURES: usize = 2;
    pub const RESPONDING_TO_EVENTS: usize = 3;
    pub const DIRECTING_TRAFFIC: usize = 4;
    pub const OTHER_ACTIVITIES: usize = 5;
}

/// Who is directing traffic (police, flaggers, crossing guards, ...).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("7", extensible))]
pub struct PublicSafetyDirectingTrafficSubType(pub BitString);

impl PublicSafetyDirectingTrafficSubType {
    pub const UNAVAILABLE: usize = 0;
    pub const POLICE_AND_TRAFFIC_OFFICERS: usize = 1;
    pub const TRAFFIC_CONTROL_PERSONS: usize = 2;
    pub const RAILROAD_CROSSING_GUARDS: usize = 3;
    pub const CIVIL_DEFENSE_NATIONAL_GUARD_MILITARY_POLICE: usize = 4;
    pub const EMERGENCY_ORGANIZATION_PERSONNEL: usize = 5;
    pub const HIGHWAY_SERVICE_VEHICLE_PERSONNEL: usize = 6;
}

/// Disabilities of the user that call for extra care.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("6", extensible))]
pub struct PersonalAssistive(pub BitString);

impl PersonalAssistive {
    pub const UNAVAILABLE: usize = 0;
    pub const OTHER_TYPE: usize = 1;
    pub const VISION: usize = 2;
    pub const HEARING: usize = 3;
    pub const MOVEMENT: usize = 4;
    pub const COGNITION: usize = 5;
}

/// Stature and movement traits of the user.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("5", extensible))]
pub struct UserSizeAndBehaviour(pub BitString);

impl UserSizeAndBehaviour {
    pub const UNAVAILABLE: usize = 0;
    pub const SMALL_STATURE: usize = 1;
    pub const LARGE_STATURE: usize = 2;
    pub const ERRATIC_MOVING: usize = 3;
    pub const SLOW_MOVING: usize = 4;
}

/// Something the user pushes or pulls (stroller, cart, trailer, ...).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum Attachment {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "stroller")]
    Stroller = 1,
    #[rasn(identifier = "bicycleTrailer")]
    BicycleTrailer = 2,
    #[rasn(identifier = "cart")]
    Cart = 3,
    #[rasn(identifier = "wheelchair")]
    Wheelchair = 4,
    #[rasn(identifier = "otherWalkAssistAttachments")]
    OtherWalkAssistAttachments = 5,
    #[rasn(identifier = "pet")]
    Pet = 6,
}

/// Radius of the attachment around the user, in decimeters.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=200"))]
pub struct AttachmentRadius(pub u8);

/// Role of an animal described by a PSM.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum AnimalType {
    #[rasn(identifier = "unavailable")]
    Unavailable = 0,
    #[rasn(identifier = "serviceUse")]
    ServiceUse = 1,
    #[rasn(identifier = "pet")]
    Pet = 2,
    #[rasn(identifier = "farm")]
    Farm = 3,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn bits(len: usize, set: &[usize]) -> BitString {
        let mut b = BitString::repeat(false, len);
        for &i in set {
            b.set(i, true);
        }
        b
    }

    fn minimal() -> PersonalSafetyMessage {
        PersonalSafetyMessage::new(
            PersonalDeviceUserType::APUBLICSAFETYWORKER,
            DSecond(65_535),
            MsgCount(0),
            TemporaryID(FixedOctetString::from([1, 2, 3, 4])),
            Position3D::new(Latitude(900_000_001), Longitude(-1_799_999_999)),
            PositionalAccuracy {
                semi_major: SemiMajorAxisAccuracy(255),
                semi_minor: SemiMinorAxisAccuracy(255),
                orientation: SemiMajorAxisOrientation(65_535),
            },
            Velocity(8191),
            Heading(28_800),
        )
    }

    fn full() -> PersonalSafetyMessage {
        let mut psm = minimal();
        psm.accel_set = Some(AccelerationSet4Way {
            long: Acceleration(12),
            lat: Acceleration(-34),
            vert: VerticalAcceleration(-127),
            yaw: YawRate(0),
        });
        let point = PathHistoryPoint::new(
            OffsetLLB18(100),
            OffsetLLB18(-100),
            VertOffsetB12(0),
            TimeOffset(250),
        );
        psm.path_history = Some(PathHistory::new(PathHistoryPointList(vec![point])));
        psm.path_prediction = Some(PathPrediction::new(
            RadiusOfCurvature(-32_767),
            Confidence(0),
        ));
        psm.propulsion = Some(PropelledInformation::Motor(
            MotorizedPropelledType::SelfBalancingDevice,
        ));
        psm.use_state = Some(PersonalDeviceUsageState(bits(
            9,
            &[
                PersonalDeviceUsageState::TYPING,
                PersonalDeviceUsageState::VIEWING,
            ],
        )));
        psm.cross_request = Some(PersonalCrossingRequest(true));
        psm.cross_state = Some(PersonalCrossingInProgress(false));
        psm.cluster_size = Some(NumberOfParticipantsInCluster::Large);
        psm.cluster_radius = Some(PersonalClusterRadius(100));
        psm.event_responder_type = Some(PublicSafetyEventResponderWorkerType::OtherPersonnel);
        psm.activity_type = Some(PublicSafetyAndRoadWorkerActivity(bits(
            6,
            &[PublicSafetyAndRoadWorkerActivity::DIRECTING_TRAFFIC],
        )));
        psm.activity_sub_type = Some(PublicSafetyDirectingTrafficSubType(bits(
            7,
            &[PublicSafetyDirectingTrafficSubType::HIGHWAY_SERVICE_VEHICLE_PERSONNEL],
        )));
        psm.assist_type = Some(PersonalAssistive(bits(6, &[PersonalAssistive::HEARING])));
        psm.sizing = Some(UserSizeAndBehaviour(bits(
            5,
            &[UserSizeAndBehaviour::SLOW_MOVING],
        )));
        psm.attachment = Some(Attachment::Pet);
        psm.attachment_radius = Some(AttachmentRadius(200));
        psm.animal_type = Some(AnimalType::ServiceUse);
        psm.regional = Some(vec![RegionalExtension::new(RegionId(3), vec![0x7f])]);
        psm
    }

    fn round_trip(psm: &PersonalSafetyMessage) {
        let bytes = rasn::uper::encode(psm).unwrap();
        let back: PersonalSafetyMessage = rasn::uper::decode(&bytes).unwrap();
        assert_eq!(&back, psm);
        assert_eq!(rasn::uper::encode(&back).unwrap(), bytes);
        let jer = rasn::jer::encode(psm).unwrap();
        let back: PersonalSafetyMessage = rasn::jer::decode(&jer).unwrap();
        assert_eq!(&back, psm, "JER round trip: {jer}");
    }

    #[test]
    fn hand_made_psm_round_trips() {
        round_trip(&minimal());
        round_trip(&full());
        for propulsion in [
            PropelledInformation::Human(HumanPropelledType::Wheelchair),
            PropelledInformation::Animal(AnimalPropelledType::AnimalDrawnCarriage),
        ] {
            let mut psm = minimal();
            psm.propulsion = Some(propulsion);
            round_trip(&psm);
        }
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let mut psm = minimal();
        psm.attachment_radius = Some(AttachmentRadius(201));
        assert!(rasn::uper::encode(&psm).is_err());
        assert!(rasn::uper::encode(&PersonalClusterRadius(101)).is_err());
        assert!(rasn::uper::encode(&AttachmentRadius(200)).is_ok());
    }

    #[test]
    fn extensible_bit_strings_encode_root_size_compactly() {
        // SIZE(5, ...) with a root-size value: one extension bit then the 5 bits, no length.
        let bytes = rasn::uper::encode(&UserSizeAndBehaviour(bits(5, &[0, 4]))).unwrap();
        assert_eq!(bytes, [0b0100_0100]);
        // A size outside the root is legal for an extensible size: extension bit set, then a
        // length octet (4) and the bits.
        let short = UserSizeAndBehaviour(bits(4, &[0]));
        let bytes = rasn::uper::encode(&short).unwrap();
        assert_eq!(bytes, [0b1000_0010, 0b0100_0000]);
        assert_eq!(
            rasn::uper::decode::<UserSizeAndBehaviour>(&bytes).unwrap(),
            short
        );
    }
}
