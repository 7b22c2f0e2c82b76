//! RoadsideSafetyMessage (RSM): the traffic participants an RSU's sensors see, relative to
//! its reference position.

use rasn::prelude::*;

use super::*;

/// The RSM message.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RoadsideSafetyMessage {
    #[rasn(identifier = "msgCnt")]
    pub msg_cnt: MsgCount,
    /// The sending RSU's id.
    pub id: FixedOctetString<8>,
    #[rasn(identifier = "refPos")]
    pub ref_pos: Position3D,
    pub participants: ParticipantList,
}
impl RoadsideSafetyMessage {
    /// An RSM with its mandatory fields.
    pub fn new(
        msg_cnt: MsgCount,
        id: [u8; 8],
        ref_pos: Position3D,
        participants: ParticipantList,
    ) -> Self {
        Self {
            msg_cnt,
            id: FixedOctetString::from(id),
            ref_pos,
            participants,
        }
    }
}

/// 1 to 16 participants.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16"))]
pub struct ParticipantList(pub SequenceOf<ParticipantData>);

/// One detected participant: kind, source, position, motion and size.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ParticipantData {
    #[rasn(identifier = "ptcType")]
    pub ptc_type: ParticipantType,
    /// Participant id, unique per RSU (0 is the RSU itself).
    #[rasn(identifier = "ptcId", value("0..=65535"))]
    pub ptc_id: u16,
    pub source: SourceType,
    pub id: Option<FixedOctetString<8>>,
    #[rasn(identifier = "secMark")]
    pub sec_mark: DSecond,
    pub pos: PositionOffsetLLV,
    #[rasn(identifier = "posConfidence")]
    pub pos_confidence: PositionConfidenceSet,
    pub transmission: Option<TransmissionState>,
    pub speed: Speed,
    pub heading: Heading,
    pub angle: Option<SteeringWheelAngle>,
    #[rasn(identifier = "motionCfd")]
    pub motion_cfd: Option<MotionConfidenceSet>,
    #[rasn(identifier = "accelSet")]
    pub accel_set: Option<AccelerationSet4Way>,
    pub size: VehicleSize,
    #[rasn(identifier = "vehicleClass")]
    pub vehicle_class: Option<VehicleClassification>,
}
impl ParticipantData {
    /// A participant with its mandatory fields.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        ptc_type: ParticipantType,
        ptc_id: u16,
        source: SourceType,
        sec_mark: DSecond,
        pos: PositionOffsetLLV,
        pos_confidence: PositionConfidenceSet,
        speed: Speed,
        heading: Heading,
        size: VehicleSize,
    ) -> Self {
        Self {
            ptc_type,
            ptc_id,
            source,
            id: None,
            sec_mark,
            pos,
            pos_confidence,
            transmission: None,
            speed,
            heading,
            angle: None,
            motion_cfd: None,
            accel_set: None,
            size,
            vehicle_class: None,
        }
    }
}

/// Kind of participant.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum ParticipantType {
    #[rasn(identifier = "unknown")]
    Unknown = 0,
    #[rasn(identifier = "motor")]
    Motor = 1,
    #[rasn(identifier = "non-motor")]
    NonMotor = 2,
    #[rasn(identifier = "pedestrian")]
    Pedestrian = 3,
    #[rasn(identifier = "rsu")]
    Rsu = 4,
}

/// Where a participant's data comes from.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum SourceType {
    #[rasn(identifier = "unknown")]
    Unknown = 0,
    #[rasn(identifier = "selfinfo")]
    Selfinfo = 1,
    #[rasn(identifier = "v2x")]
    V2x = 2,
    #[rasn(identifier = "video")]
    Video = 3,
    #[rasn(identifier = "microwaveRadar")]
    MicrowaveRadar = 4,
    #[rasn(identifier = "loop")]
    Loop = 5,
    #[rasn(identifier = "lidar")]
    Lidar = 6,
    #[rasn(identifier = "integrated")]
    Integrated = 7,
}
