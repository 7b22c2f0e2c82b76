//! IVIM (TS 103 301, protocolVersion 2): infrastructure to vehicle information, whose body is
//! ISO TS 19321 v2's IviStructure, with the types it takes from ISO 14823 (GDD: pictograms,
//! their attributes, distances and weights), ISO 14906 (EFC: provider, vehicle dimensions and
//! emissions), ISO 24534-3 (EU vehicle category), the C-ITS application management IDs
//! (VarLengthNumber) and the CDD and DSRC types shared with the other ETSI messages.
//!
//! Types of the same structure are one Rust type under the standards' several names (the
//! applicable and exempted periods, tractor, trailer and train characteristics, the text line
//! lists), so each shape is compiled once.

use rasn::prelude::*;
use rasn::types::Constraints;
use rasn::types::constraints::{Bounded, Constraint, Extensible, Value};

use super::*;
use crate::j2735::{IntersectionReferenceID, LaneID, RoadSegmentReferenceID};

/// An INTEGER `(LO..HI, ...)`: a root range with an extension marker, held in 64 bits.
///
/// One generic type for every extensible INTEGER of IVI. X.691 encodes a value outside the
/// root range as an unconstrained integer of any length; one beyond 64 bits has no meaning in
/// these standards (and could not be written as JER), so decoding refuses it, and a value
/// built here cannot hold one. A derived delegate over a Rust integer would lose the
/// extension marker (see [`PathDeltaTime`]), hence the hand-written impls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExtInt<const LO: i64, const HI: i64>(pub i64);

impl<const LO: i64, const HI: i64> ExtInt<LO, HI> {
    /// Whether the value is in the root range (values outside are extension values).
    pub fn in_root(&self) -> bool {
        (LO..=HI).contains(&self.0)
    }
}

impl<const LO: i64, const HI: i64> AsnType for ExtInt<LO, HI> {
    const TAG: Tag = Tag::INTEGER;
    const CONSTRAINTS: Constraints = Constraints::new(&[Constraint::Value(
        Extensible::new(Value::new(Bounded::const_new(LO as i128, HI as i128)))
            .set_extensible(true),
    )]);
}

impl<const LO: i64, const HI: i64> Encode for ExtInt<LO, HI> {
    fn encode_with_tag_and_constraints<'b, E: Encoder<'b>>(
        &self,
        encoder: &mut E,
        tag: Tag,
        constraints: &Constraints,
        identifier: Identifier,
    ) -> Result<(), E::Error> {
        // The type's own range, whatever the caller passes: rasn hands an extension addition
        // only the field's attribute constraints (none), which would drop the range.
        let _ = constraints;
        encoder
            .encode_integer::<i64>(tag, &Self::CONSTRAINTS, &self.0, identifier)
            .map(drop)
    }
}

impl<const LO: i64, const HI: i64> Decode for ExtInt<LO, HI> {
    fn decode_with_tag_and_constraints<D: Decoder>(
        decoder: &mut D,
        tag: Tag,
        constraints: &Constraints,
    ) -> Result<Self, D::Error> {
        let _ = constraints;
        decoder
            .decode_integer::<i64>(tag, &Self::CONSTRAINTS)
            .map(Self)
    }
}

// ---------------------------------------------------------------------------------------
// The structure and its management container (ISO TS 19321 v2).

/// The IVI structure: management data and up to 8 (extensible) containers.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct IviStructure {
    pub mandatory: IviManagementContainer,
    pub optional: Option<IviContainers>,
}

/// Who sends the IVI, which one it is, its status and validity.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct IviManagementContainer {
    #[rasn(identifier = "serviceProviderId")]
    pub service_provider_id: Provider,
    #[rasn(identifier = "iviIdentificationNumber")]
    pub ivi_identification_number: IviIdentificationNumber,
    #[rasn(identifier = "timeStamp")]
    pub time_stamp: Option<TimestampIts>,
    #[rasn(identifier = "validFrom")]
    pub valid_from: Option<TimestampIts>,
    #[rasn(identifier = "validTo")]
    pub valid_to: Option<TimestampIts>,
    #[rasn(identifier = "connectedIviStructures")]
    pub connected_ivi_structures: Option<IviIdentificationNumbers>,
    #[rasn(identifier = "iviStatus")]
    pub ivi_status: IviStatus,
    /// An extension addition of a constrained type repeats the type's constraint here:
    /// rasn 0.30 encodes an extension addition with the field's attribute constraints only,
    /// and without them the list inside the open type lost its SIZE(1..8,...).
    #[rasn(
        extension_addition,
        identifier = "connectedDenms",
        size("1..=8", extensible)
    )]
    pub connected_denms: Option<ConnectedDenms>,
}
impl IviManagementContainer {
    /// A management container with its mandatory fields only.
    pub fn new(
        service_provider_id: Provider,
        ivi_identification_number: IviIdentificationNumber,
        ivi_status: IviStatus,
    ) -> Self {
        Self {
            service_provider_id,
            ivi_identification_number,
            time_stamp: None,
            valid_from: None,
            valid_to: None,
            connected_ivi_structures: None,
            ivi_status,
            connected_denms: None,
        }
    }
}

/// Identifier of an IVI within its provider (1..32767, extensible).
pub type IviIdentificationNumber = ExtInt<1, 32767>;

/// Other IVIs this one belongs with (1..8).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8"))]
pub struct IviIdentificationNumbers(pub SequenceOf<IviIdentificationNumber>);

/// Status of an IVI: 0 new, 1 update, 2 cancellation, 3 negation (0..7).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=7"))]
pub struct IviStatus(pub u8);
impl IviStatus {
    pub const NEW: Self = Self(0);
    pub const UPDATE: Self = Self(1);
    pub const CANCELLATION: Self = Self(2);
    pub const NEGATION: Self = Self(3);
}

/// DENMs this IVI is connected to (1..8, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8", extensible))]
pub struct ConnectedDenms(pub SequenceOf<ActionID>);

/// The containers of an IVI (1..8, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8", extensible))]
pub struct IviContainers(pub SequenceOf<IviContainer>);

/// One IVI container; the automated-vehicle, map-location and road-surface containers are
/// v2's extension alternatives.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum IviContainer {
    #[rasn(identifier = "glc")]
    Glc(GeographicLocationContainer),
    #[rasn(identifier = "giv")]
    Giv(GeneralIviContainer),
    #[rasn(identifier = "rcc")]
    Rcc(RoadConfigurationContainer),
    #[rasn(identifier = "tc")]
    Tc(TextContainer),
    #[rasn(identifier = "lac")]
    Lac(LayoutContainer),
    #[rasn(extension_addition, identifier = "avc")]
    Avc(AutomatedVehicleContainer),
    #[rasn(extension_addition, identifier = "mlc")]
    Mlc(MapLocationContainer),
    #[rasn(extension_addition, identifier = "rsc")]
    Rsc(RoadSurfaceContainer),
}

/// A service provider (ISO 14906 Provider): country and issuer.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Provider {
    #[rasn(identifier = "countryCode")]
    pub country_code: CountryCode,
    #[rasn(identifier = "providerIdentifier")]
    pub provider_identifier: IssuerIdentifier,
}

/// ISO 14816 country code (10 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("10"))]
pub struct CountryCode(pub BitString);

/// ISO 14816 issuer within a country (0..16383).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=16383"))]
pub struct IssuerIdentifier(pub u16);

// ---------------------------------------------------------------------------------------
// Geographic location container: zones.

/// Where the IVI applies: a reference position and up to 16 (extensible) zones.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GeographicLocationContainer {
    #[rasn(identifier = "referencePosition")]
    pub reference_position: ReferencePosition,
    #[rasn(identifier = "referencePositionTime")]
    pub reference_position_time: Option<TimestampIts>,
    #[rasn(identifier = "referencePositionHeading")]
    pub reference_position_heading: Option<Heading>,
    #[rasn(identifier = "referencePositionSpeed")]
    pub reference_position_speed: Option<Speed>,
    pub parts: GlcParts,
}
impl GeographicLocationContainer {
    /// A location from its reference position and zones.
    pub fn new(reference_position: ReferencePosition, parts: GlcParts) -> Self {
        Self {
            reference_position,
            reference_position_time: None,
            reference_position_heading: None,
            reference_position_speed: None,
            parts,
        }
    }
}

/// Zones of a geographic location container (1..16, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16", extensible))]
pub struct GlcParts(pub SequenceOf<GlcPart>);

/// One zone: its id and, optionally, lane, extension, heading and shape.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GlcPart {
    #[rasn(identifier = "zoneId")]
    pub zone_id: Zid,
    #[rasn(identifier = "laneNumber")]
    pub lane_number: Option<LanePosition>,
    #[rasn(identifier = "zoneExtension", value("0..=255"))]
    pub zone_extension: Option<u8>,
    #[rasn(identifier = "zoneHeading")]
    pub zone_heading: Option<HeadingValue>,
    pub zone: Option<Zone>,
}
impl GlcPart {
    /// A zone from its id and shape.
    pub fn new(zone_id: Zid, zone: Option<Zone>) -> Self {
        Self {
            zone_id,
            lane_number: None,
            zone_extension: None,
            zone_heading: None,
            zone,
        }
    }
}

/// Zone identifier (1..32, extensible).
pub type Zid = ExtInt<1, 32>;

/// Zone identifiers (1..8, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8", extensible))]
pub struct ZoneIds(pub SequenceOf<Zid>);

/// The shape of a zone.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum Zone {
    #[rasn(identifier = "segment")]
    Segment(Segment),
    #[rasn(identifier = "area")]
    Area(PolygonalLine),
    #[rasn(identifier = "computedSegment")]
    ComputedSegment(ComputedSegment),
}

/// A line with an optional lane width.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Segment {
    pub line: PolygonalLine,
    #[rasn(identifier = "laneWidth")]
    pub lane_width: Option<IviLaneWidth>,
}

/// A polyline: offsets from the reference position or absolute positions, with or without
/// altitude.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum PolygonalLine {
    #[rasn(identifier = "deltaPositions")]
    DeltaPositions(DeltaPositions),
    #[rasn(identifier = "deltaPositionsWithAltitude")]
    DeltaPositionsWithAltitude(DeltaReferencePositions),
    #[rasn(identifier = "absolutePositions")]
    AbsolutePositions(AbsolutePositions),
    #[rasn(identifier = "absolutePositionsWithAltitude")]
    AbsolutePositionsWithAltitude(AbsolutePositionsWAltitude),
}

/// Offsets without altitude (1..32, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32", extensible))]
pub struct DeltaPositions(pub SequenceOf<DeltaPosition>);

/// Offsets with altitude (1..32, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=32", extensible))]
pub struct DeltaReferencePositions(pub SequenceOf<DeltaReferencePosition>);

/// Absolute positions without altitude (1..8, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8", extensible))]
pub struct AbsolutePositions(pub SequenceOf<AbsolutePosition>);

/// Absolute positions with altitude (1..8, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8", extensible))]
pub struct AbsolutePositionsWAltitude(pub SequenceOf<AbsolutePositionWAltitude>);

/// An offset in latitude and longitude from the previous point.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct DeltaPosition {
    #[rasn(identifier = "deltaLatitude")]
    pub delta_latitude: DeltaLatitude,
    #[rasn(identifier = "deltaLongitude")]
    pub delta_longitude: DeltaLongitude,
}

/// A position without altitude (CDD Latitude and Longitude).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct AbsolutePosition {
    pub latitude: Latitude,
    pub longitude: Longitude,
}

/// A position with altitude.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct AbsolutePositionWAltitude {
    pub latitude: Latitude,
    pub longitude: Longitude,
    pub altitude: Altitude,
}

/// A lane computed from another zone's lane by offsets.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ComputedSegment {
    #[rasn(identifier = "zoneId")]
    pub zone_id: Zid,
    #[rasn(identifier = "laneNumber")]
    pub lane_number: LanePosition,
    #[rasn(identifier = "laneWidth")]
    pub lane_width: IviLaneWidth,
    #[rasn(identifier = "offsetDistance", value("-32768..=32767"))]
    pub offset_distance: Option<i16>,
    #[rasn(identifier = "offsetPosition")]
    pub offset_position: Option<DeltaReferencePosition>,
}

/// Lane width in cm (0..1023).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=1023"))]
pub struct IviLaneWidth(pub u16);

// ---------------------------------------------------------------------------------------
// General IVI container: road sign codes.

/// General IVI container: up to 16 (extensible) parts.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16", extensible))]
pub struct GeneralIviContainer(pub SequenceOf<GicPart>);

/// One general IVI: where and to whom it applies, and its road sign codes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct GicPart {
    #[rasn(identifier = "detectionZoneIds")]
    pub detection_zone_ids: Option<ZoneIds>,
    #[rasn(identifier = "its-Rrid")]
    pub its_rrid: Option<VarLengthNumber>,
    #[rasn(identifier = "relevanceZoneIds")]
    pub relevance_zone_ids: Option<ZoneIds>,
    pub direction: Option<Direction>,
    #[rasn(identifier = "driverAwarenessZoneIds")]
    pub driver_awareness_zone_ids: Option<ZoneIds>,
    #[rasn(identifier = "minimumAwarenessTime", value("0..=255"))]
    pub minimum_awareness_time: Option<u8>,
    #[rasn(identifier = "applicableLanes")]
    pub applicable_lanes: Option<LanePositions>,
    #[rasn(identifier = "iviType")]
    pub ivi_type: IviType,
    #[rasn(identifier = "iviPurpose")]
    pub ivi_purpose: Option<IviPurpose>,
    #[rasn(identifier = "laneStatus")]
    pub lane_status: Option<LaneStatus>,
    #[rasn(identifier = "vehicleCharacteristics")]
    pub vehicle_characteristics: Option<VehicleCharacteristicsList>,
    #[rasn(identifier = "driverCharacteristics")]
    pub driver_characteristics: Option<DriverCharacteristics>,
    #[rasn(identifier = "layoutId")]
    pub layout_id: Option<LayoutId>,
    #[rasn(identifier = "preStoredlayoutId")]
    pub pre_storedlayout_id: Option<PreStoredLayoutId>,
    #[rasn(identifier = "roadSignCodes")]
    pub road_sign_codes: RoadSignCodes,
    #[rasn(identifier = "extraText")]
    pub extra_text: Option<TextLines>,
}
impl GicPart {
    /// A part with its type and sign codes only.
    pub fn new(ivi_type: IviType, road_sign_codes: RoadSignCodes) -> Self {
        Self {
            detection_zone_ids: None,
            its_rrid: None,
            relevance_zone_ids: None,
            direction: None,
            driver_awareness_zone_ids: None,
            minimum_awareness_time: None,
            applicable_lanes: None,
            ivi_type,
            ivi_purpose: None,
            lane_status: None,
            vehicle_characteristics: None,
            driver_characteristics: None,
            layout_id: None,
            pre_storedlayout_id: None,
            road_sign_codes,
            extra_text: None,
        }
    }
}

/// Layout identifier (1..4, extensible); also a layout component's id in a text or code.
pub type LayoutId = ExtInt<1, 4>;
/// Pre-stored layout identifier (1..64, extensible).
pub type PreStoredLayoutId = ExtInt<1, 64>;

/// C-ITS application management number (CITSapplMgmtIDs VarLengthNumber): 0..127 in one
/// octet, larger values in the nested extensions.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum VarLengthNumber {
    #[rasn(identifier = "content", value("0..=127"))]
    Content(u8),
    #[rasn(identifier = "extension")]
    Extension(Ext1),
}

/// VarLengthNumber from 128 on.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum Ext1 {
    #[rasn(identifier = "content", value("128..=16511"))]
    Content(u16),
    #[rasn(identifier = "extension")]
    Extension(Ext2),
}

/// VarLengthNumber from 16512 on.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum Ext2 {
    #[rasn(identifier = "content", value("16512..=2113663"))]
    Content(u32),
    #[rasn(identifier = "extension")]
    Extension(Ext3),
}

/// VarLengthNumber from 2113664 on (extensible).
pub type Ext3 = ExtInt<2113664, 270549119>;

/// Traffic direction: 0 same, 1 opposite, 2 both (0..3).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=3"))]
pub struct Direction(pub u8);

/// Lanes an IVI applies to (1..8, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8", extensible))]
pub struct LanePositions(pub SequenceOf<LanePosition>);

/// Kind of IVI: 0 immediate danger, 1 regulatory, 2 traffic related, 3 pollution, 4 not
/// traffic related (0..7).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=7"))]
pub struct IviType(pub u8);

/// Purpose: 0 safety, 1 environmental, 2 traffic optimisation (0..3).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=3"))]
pub struct IviPurpose(pub u8);

/// Lane status: 0 open, 1 closed, 2..4 merges, 5 provisionally open, 6 diverging (0..7,
/// extensible).
pub type LaneStatus = ExtInt<0, 7>;

/// Vehicles an IVI applies to (1..8, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8", extensible))]
pub struct VehicleCharacteristicsList(pub SequenceOf<CompleteVehicleCharacteristics>);

/// Drivers an IVI applies to: 0 unexperienced, 1 experienced (0..3).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=3"))]
pub struct DriverCharacteristics(pub u8);

/// Road sign codes (1..4, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=4", extensible))]
pub struct RoadSignCodes(pub SequenceOf<RSCode>);

/// Lines of text (1..4, extensible): TextLines, and ConstraintTextLines1/2, whose length
/// limits on the text are not PER-visible, so all three are this one type.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=4", extensible))]
pub struct TextLines(pub SequenceOf<Text>);
/// ISO TS 19321's ConstraintTextLines1: the same encoding as [`TextLines`].
pub type ConstraintTextLines1 = TextLines;
/// ISO TS 19321's ConstraintTextLines2: the same encoding as [`TextLines`].
pub type ConstraintTextLines2 = TextLines;

/// One road sign: its code in one of four catalogues, optionally placed in a layout.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RSCode {
    #[rasn(identifier = "layoutComponentId")]
    pub layout_component_id: Option<LayoutId>,
    pub code: RSCodeCode,
}

/// The catalogue and code of a road sign.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum RSCodeCode {
    #[rasn(identifier = "viennaConvention")]
    ViennaConvention(VcCode),
    #[rasn(identifier = "iso14823")]
    Iso14823(ISO14823Code),
    #[rasn(identifier = "itisCodes", value("0..=65535"))]
    ItisCodes(u16),
    #[rasn(identifier = "anyCatalogue")]
    AnyCatalogue(AnyCatalogue),
}

/// A Vienna Convention sign: class, number, option, validity and value.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct VcCode {
    #[rasn(identifier = "roadSignClass")]
    pub road_sign_class: VcClass,
    #[rasn(identifier = "roadSignCode", value("1..=64"))]
    pub road_sign_code: u8,
    #[rasn(identifier = "vcOption")]
    pub vc_option: VcOption,
    pub validity: Option<ValidityPeriods>,
    #[rasn(value("0..=65535"))]
    pub value: Option<u16>,
    pub unit: Option<RSCUnit>,
}

/// Vienna Convention class: 0 A .. 7 H.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=7"))]
pub struct VcClass(pub u8);

/// Vienna Convention option: 0 none, 1 a .. 7 g.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=7"))]
pub struct VcOption(pub u8);

/// Periods of validity (1..8, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8", extensible))]
pub struct ValidityPeriods(pub SequenceOf<InternationalSignApplicablePeriod>);

/// Unit of a sign's value: 0 km/h, 1 mph, 2 km, 3 m, ... 13 rate of incline (0..15).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=15"))]
pub struct RSCUnit(pub u8);

/// An ISO 14823 sign: its pictogram and attributes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ISO14823Code {
    #[rasn(identifier = "pictogramCode")]
    pub pictogram_code: PictogramCode,
    pub attributes: Option<ISO14823Attributes>,
}

/// An ISO 14823 pictogram: country, service category, nature and serial number. The same
/// type in IVI's ISO14823Code and GDD's GddStructure.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PictogramCode {
    #[rasn(identifier = "countryCode", size("2"))]
    pub country_code: Option<OctetString>,
    #[rasn(identifier = "serviceCategoryCode")]
    pub service_category_code: ServiceCategoryCode,
    #[rasn(identifier = "pictogramCategoryCode")]
    pub pictogram_category_code: PictogramCategoryCode,
}

/// The service category of a pictogram.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum ServiceCategoryCode {
    #[rasn(identifier = "trafficSignPictogram")]
    TrafficSignPictogram(TrafficSignPictogram),
    #[rasn(identifier = "publicFacilitiesPictogram")]
    PublicFacilitiesPictogram(PublicFacilitiesPictogram),
    #[rasn(identifier = "ambientOrRoadConditionPictogram")]
    AmbientOrRoadConditionPictogram(AmbientOrRoadConditionPictogram),
}

/// Traffic sign pictogram kinds.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum TrafficSignPictogram {
    #[rasn(identifier = "dangerWarning")]
    DangerWarning = 0,
    #[rasn(identifier = "regulatory")]
    Regulatory = 1,
    #[rasn(identifier = "informative")]
    Informative = 2,
}

/// Public facilities pictogram kinds.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum PublicFacilitiesPictogram {
    #[rasn(identifier = "publicFacilities")]
    PublicFacilities = 0,
}

/// Ambient or road condition pictogram kinds.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
#[non_exhaustive]
pub enum AmbientOrRoadConditionPictogram {
    #[rasn(identifier = "ambientCondition")]
    AmbientCondition = 0,
    #[rasn(identifier = "roadCondition")]
    RoadCondition = 1,
}

/// Nature (1..9) and serial number (0..99) of a pictogram.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PictogramCategoryCode {
    #[rasn(value("1..=9"))]
    pub nature: u8,
    #[rasn(identifier = "serialNumber", value("0..=99"))]
    pub serial_number: u8,
}

/// Attributes of an ISO 14823 code in IVI (1..8, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8", extensible))]
pub struct ISO14823Attributes(pub SequenceOf<ISO14823Attribute>);

/// One attribute of an ISO 14823 code as IVI v2 lists them (GDD's first eight).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum ISO14823Attribute {
    /// Date and time of application.
    #[rasn(identifier = "dtm")]
    Dtm(InternationalSignApplicablePeriod),
    /// Exempted period.
    #[rasn(identifier = "edt")]
    Edt(InternationalSignApplicablePeriod),
    /// Directional flow of the lane (1..8).
    #[rasn(identifier = "dfl", value("1..=8"))]
    Dfl(u8),
    /// Applicable vehicle dimensions.
    #[rasn(identifier = "ved")]
    Ved(ApplicableVehicleDimensions),
    /// Speed limits.
    #[rasn(identifier = "spe")]
    Spe(SpeedLimits),
    /// Rate of incline (1..32).
    #[rasn(identifier = "roi", value("1..=32"))]
    Roi(u8),
    /// Distance between vehicles.
    #[rasn(identifier = "dbv")]
    Dbv(Distance),
    /// Destination information.
    #[rasn(identifier = "ddd")]
    Ddd(DestinationInformation),
}

/// A sign from another catalogue: its owner, version, code, value and attributes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct AnyCatalogue {
    pub owner: Provider,
    #[rasn(value("0..=255"))]
    pub version: u8,
    #[rasn(identifier = "pictogramCode", value("0..=65535"))]
    pub pictogram_code: u16,
    #[rasn(value("0..=65535"))]
    pub value: Option<u16>,
    pub unit: Option<RSCUnit>,
    pub attributes: Option<ISO14823Attributes>,
}

// ---------------------------------------------------------------------------------------
// ISO 14823 (GDD) attributes.

/// When a sign applies (GDD InternationalSign-applicablePeriod); also the exempted period
/// (InternationalSign-exemptedApplicablePeriod), which has the same structure.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct InternationalSignApplicablePeriod {
    pub year: Option<YearRange>,
    #[rasn(identifier = "month-day")]
    pub month_day: Option<MonthDayRange>,
    #[rasn(identifier = "repeatingPeriodDayTypes")]
    pub repeating_period_day_types: Option<RepeatingPeriodDayTypes>,
    #[rasn(identifier = "hourMinutes")]
    pub hour_minutes: Option<HoursMinutesRange>,
    #[rasn(identifier = "dateRangeOfWeek")]
    pub date_range_of_week: Option<DayOfWeek>,
    #[rasn(identifier = "durationHourMinute")]
    pub duration_hour_minute: Option<HoursMinutes>,
}
/// GDD's InternationalSign-exemptedApplicablePeriod: the same type.
pub type InternationalSignExemptedApplicablePeriod = InternationalSignApplicablePeriod;

/// First and last year (2000..2127, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct YearRange {
    #[rasn(identifier = "yearRangeStartYear")]
    pub year_range_start_year: Year,
    #[rasn(identifier = "yearRangeEndYear")]
    pub year_range_end_year: Year,
}

/// A year (2000..2127, extensible).
pub type Year = ExtInt<2000, 2127>;

/// First and last day of the year.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct MonthDayRange {
    #[rasn(identifier = "dateRangeStartMonthDay")]
    pub date_range_start_month_day: MonthDay,
    #[rasn(identifier = "dateRangeEndMonthDay")]
    pub date_range_end_month_day: MonthDay,
}

/// A day of the year.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct MonthDay {
    #[rasn(value("1..=12"))]
    pub month: u8,
    #[rasn(value("1..=31"))]
    pub day: u8,
}

/// Start and end time of day.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct HoursMinutesRange {
    #[rasn(identifier = "timeRangeStartTime")]
    pub time_range_start_time: HoursMinutes,
    #[rasn(identifier = "timeRangeEndTime")]
    pub time_range_end_time: HoursMinutes,
}

/// A time of day, or a duration.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct HoursMinutes {
    #[rasn(value("0..=23"))]
    pub hours: u8,
    #[rasn(value("0..=59"))]
    pub mins: u8,
}

/// National holiday, even days, odd days, market day (4 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("4"))]
pub struct RepeatingPeriodDayTypes(pub BitString);

/// Days of the week, bit 0 unused, 1 Monday .. 7 Sunday (8 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("8"))]
pub struct DayOfWeek(pub BitString);

/// Vehicle dimensions a sign applies to.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct ApplicableVehicleDimensions {
    #[rasn(identifier = "vehicleHeight")]
    pub vehicle_height: Option<Distance>,
    #[rasn(identifier = "vehicleWidth")]
    pub vehicle_width: Option<Distance>,
    #[rasn(identifier = "vehicleLength")]
    pub vehicle_length: Option<Distance>,
    #[rasn(identifier = "vehicleWeight")]
    pub vehicle_weight: Option<Weight>,
}

/// Speed limits of a sign (0..250) in km/h (0) or mph (1).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct SpeedLimits {
    #[rasn(identifier = "speedLimitMax", value("0..=250"))]
    pub speed_limit_max: Option<u8>,
    #[rasn(identifier = "speedLimitMin", value("0..=250"))]
    pub speed_limit_min: Option<u8>,
    #[rasn(value("0..=1"))]
    pub unit: u8,
}

/// A distance (GDD Distance; also InternationalSign-distanceBetweenVehicles): 1..16384 in a
/// length unit.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Distance {
    #[rasn(value("1..=16384"))]
    pub value: u16,
    pub unit: DistanceUnit,
}

/// A GDD Code-Units value for a length: 2 km, 3 m, 4 dm, 6 mile, 7 yard, 8 foot.
///
/// The constraint is a union (2..4 | 6..8); PER encodes it over 2..8, so 5 (cm) fits in the
/// bits but is not a value of the type, and is refused both ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DistanceUnit(pub u8);
impl DistanceUnit {
    pub const KILOMETRE: Self = Self(2);
    pub const METRE: Self = Self(3);
    pub const DECIMETRE: Self = Self(4);
    pub const MILE: Self = Self(6);
    pub const YARD: Self = Self(7);
    pub const FOOT: Self = Self(8);
    const EXCLUDED: u8 = 5;

    fn refusal(self) -> String {
        format!(
            "Code-Units {} is not a distance unit (2..4 or 6..8)",
            self.0
        )
    }
}
impl AsnType for DistanceUnit {
    const TAG: Tag = Tag::INTEGER;
    const CONSTRAINTS: Constraints = Constraints::new(&[Constraint::Value(Extensible::new(
        Value::new(Bounded::const_new(2, 8)),
    ))]);
}
impl Encode for DistanceUnit {
    fn encode_with_tag_and_constraints<'b, E: Encoder<'b>>(
        &self,
        encoder: &mut E,
        tag: Tag,
        constraints: &Constraints,
        identifier: Identifier,
    ) -> Result<(), E::Error> {
        if self.0 == Self::EXCLUDED {
            let codec = encoder.codec();
            return Err(rasn::enc::Error::custom(self.refusal(), codec));
        }
        encoder
            .encode_integer::<u8>(tag, constraints, &self.0, identifier)
            .map(drop)
    }
}
impl Decode for DistanceUnit {
    fn decode_with_tag_and_constraints<D: Decoder>(
        decoder: &mut D,
        tag: Tag,
        constraints: &Constraints,
    ) -> Result<Self, D::Error> {
        let unit = Self(decoder.decode_integer::<u8>(tag, constraints)?);
        if unit.0 == Self::EXCLUDED {
            return Err(rasn::de::Error::custom(unit.refusal(), decoder.codec()));
        }
        Ok(unit)
    }
}

/// A weight (GDD Weight): 1..16384 in 10 tonnes, 11 hundred kg or 12 pounds.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Weight {
    #[rasn(value("1..=16384"))]
    pub value: u16,
    #[rasn(value("10..=12"))]
    pub unit: u8,
}

/// A distance or a duration (GDD DistanceOrDuration): 1..16384 in units 2..9 (9: minutes).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct DistanceOrDuration {
    #[rasn(value("1..=16384"))]
    pub value: u16,
    #[rasn(value("2..=9"))]
    pub unit: u8,
}

/// Destination information of a direction sign.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct DestinationInformation {
    #[rasn(identifier = "junctionDirection", value("1..=128"))]
    pub junction_direction: Option<u8>,
    #[rasn(identifier = "roundaboutCwDirection", value("1..=128"))]
    pub roundabout_cw_direction: Option<u8>,
    #[rasn(identifier = "roundaboutCcwDirection", value("1..=128"))]
    pub roundabout_ccw_direction: Option<u8>,
    #[rasn(identifier = "ioList")]
    pub io_list: DddIoList,
}

/// Destinations of a direction sign (GDD DDD-IO-LIST, 1..8, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8", extensible))]
pub struct DddIoList(pub SequenceOf<DddIo>);

/// One arrow of a direction sign with its places, roads and distances (GDD DDD-IO).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct DddIo {
    #[rasn(identifier = "arrowDirection", value("0..=7"))]
    pub arrow_direction: u8,
    #[rasn(identifier = "destPlace")]
    pub dest_place: Option<DestinationPlaces>,
    #[rasn(identifier = "destRoad")]
    pub dest_road: Option<DestinationRoads>,
    #[rasn(identifier = "roadNumberIdentifier", value("1..=999"))]
    pub road_number_identifier: Option<u16>,
    #[rasn(identifier = "streetName", value("1..=999"))]
    pub street_name: Option<u16>,
    #[rasn(identifier = "streetNameText")]
    pub street_name_text: Option<Utf8String>,
    #[rasn(identifier = "distanceToDivergingPoint")]
    pub distance_to_diverging_point: Option<DistanceOrDuration>,
    #[rasn(identifier = "distanceToDestinationPlace")]
    pub distance_to_destination_place: Option<DistanceOrDuration>,
}

/// Destination places (1..4, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=4", extensible))]
pub struct DestinationPlaces(pub SequenceOf<DestinationPlace>);

/// A destination place: its kind, pictogram, data and name.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct DestinationPlace {
    #[rasn(identifier = "destType")]
    pub dest_type: DestinationType,
    #[rasn(identifier = "destRSCode")]
    pub dest_rs_code: Option<GddStructure>,
    #[rasn(identifier = "destBlob")]
    pub dest_blob: Option<OctetString>,
    #[rasn(identifier = "placeNameIdentification", value("1..=999"))]
    pub place_name_identification: Option<u16>,
    #[rasn(identifier = "placeNameText")]
    pub place_name_text: Option<Utf8String>,
}

/// Kind of destination (0..15, extensible).
pub type DestinationType = ExtInt<0, 15>;

/// Destination roads (1..4, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=4", extensible))]
pub struct DestinationRoads(pub SequenceOf<DestinationRoad>);

/// A destination road: its kind and number.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct DestinationRoad {
    #[rasn(identifier = "derType")]
    pub der_type: DestinationRoadType,
    #[rasn(identifier = "roadNumberIdentifier", value("1..=999"))]
    pub road_number_identifier: Option<u16>,
    #[rasn(identifier = "roadNumberText")]
    pub road_number_text: Option<Utf8String>,
}

/// Kind of destination road (0..15, extensible).
pub type DestinationRoadType = ExtInt<0, 15>;

/// A GDD pictogram with GDD's attributes (a destination's sign).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct GddStructure {
    #[rasn(identifier = "pictogramCode")]
    pub pictogram_code: PictogramCode,
    pub attributes: Option<GddAttributes>,
}

/// GDD attributes (1..8, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=8", extensible))]
pub struct GddAttributes(pub SequenceOf<GddAttribute>);

/// One GDD attribute: [`ISO14823Attribute`]'s eight and the section and number of lanes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum GddAttribute {
    #[rasn(identifier = "dtm")]
    Dtm(InternationalSignApplicablePeriod),
    #[rasn(identifier = "edt")]
    Edt(InternationalSignApplicablePeriod),
    #[rasn(identifier = "dfl", value("1..=8"))]
    Dfl(u8),
    #[rasn(identifier = "ved")]
    Ved(ApplicableVehicleDimensions),
    #[rasn(identifier = "spe")]
    Spe(SpeedLimits),
    #[rasn(identifier = "roi", value("1..=32"))]
    Roi(u8),
    #[rasn(identifier = "dbv")]
    Dbv(Distance),
    #[rasn(identifier = "ddd")]
    Ddd(DestinationInformation),
    /// Section of road a sign applies to.
    #[rasn(identifier = "set")]
    Set(Section),
    /// Number of lanes (0..99).
    #[rasn(identifier = "nol", value("0..=99"))]
    Nol(u8),
}

/// Start and length of the road section a sign applies to (GDD InternationalSign-section).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct Section {
    #[rasn(identifier = "startingPointLength")]
    pub starting_point_length: Option<Distance>,
    #[rasn(identifier = "continuityLength")]
    pub continuity_length: Option<Distance>,
}

// ---------------------------------------------------------------------------------------
// Vehicle characteristics.

/// Tractor, trailers and train characteristics a rule applies to.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct CompleteVehicleCharacteristics {
    pub tractor: Option<TractorCharacteristics>,
    pub trailer: Option<TrailerCharacteristicsList>,
    pub train: Option<TrainCharacteristics>,
}

/// Characteristics equal to, not equal to, or in ranges: TractorCharacteristics; the
/// trailer's and train's have the same encoding and are this type.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct TractorCharacteristics {
    #[rasn(identifier = "equalTo")]
    pub equal_to: Option<VehicleCharacteristicsFixValuesList>,
    #[rasn(identifier = "notEqualTo")]
    pub not_equal_to: Option<VehicleCharacteristicsFixValuesList>,
    pub ranges: Option<VehicleCharacteristicsRangesList>,
}
/// ISO TS 19321's TrailerCharacteristics: the same encoding as [`TractorCharacteristics`].
pub type TrailerCharacteristics = TractorCharacteristics;
/// ISO TS 19321's TrainCharacteristics: the same encoding as [`TractorCharacteristics`].
pub type TrainCharacteristics = TractorCharacteristics;

/// Up to 3 trailers.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=3"))]
pub struct TrailerCharacteristicsList(pub SequenceOf<TrailerCharacteristics>);

/// Fixed characteristics (1..4, extensible); also the trailer's list.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=4", extensible))]
pub struct VehicleCharacteristicsFixValuesList(pub SequenceOf<VehicleCharacteristicsFixValues>);

/// Characteristics in ranges (1..4, extensible); also the trailer's list.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=4", extensible))]
pub struct VehicleCharacteristicsRangesList(pub SequenceOf<VehicleCharacteristicsRanges>);

/// One fixed characteristic of a vehicle.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum VehicleCharacteristicsFixValues {
    #[rasn(identifier = "simpleVehicleType")]
    SimpleVehicleType(StationType),
    #[rasn(identifier = "euVehicleCategoryCode")]
    EuVehicleCategoryCode(EuVehicleCategoryCode),
    #[rasn(identifier = "iso3833VehicleType")]
    Iso3833VehicleType(Iso3833VehicleType),
    #[rasn(identifier = "euroAndCo2value")]
    EuroAndCo2value(EnvironmentalCharacteristics),
    #[rasn(identifier = "engineCharacteristics")]
    EngineCharacteristics(EngineCharacteristics),
    #[rasn(identifier = "loadType")]
    LoadType(LoadType),
    #[rasn(identifier = "usage")]
    Usage(VehicleRole),
}

/// EU vehicle category (ISO 24534-3, Directive 2007/46/EC).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum EuVehicleCategoryCode {
    #[rasn(identifier = "euVehicleCategoryL")]
    EuVehicleCategoryL(EuVehicleCategoryL),
    #[rasn(identifier = "euVehicleCategoryM")]
    EuVehicleCategoryM(EuVehicleCategoryM),
    #[rasn(identifier = "euVehicleCategoryN")]
    EuVehicleCategoryN(EuVehicleCategoryN),
    #[rasn(identifier = "euVehicleCategoryO")]
    EuVehicleCategoryO(EuVehicleCategoryO),
    /// Tractors (the standard's spelling of the name).
    #[rasn(identifier = "euVehilcleCategoryT")]
    EuVehilcleCategoryT(()),
    /// Off-road vehicles (the standard's spelling of the name).
    #[rasn(identifier = "euVehilcleCategoryG")]
    EuVehilcleCategoryG(()),
}

/// EU category L (two- and three-wheelers).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum EuVehicleCategoryL {
    #[rasn(identifier = "l1")]
    L1 = 0,
    #[rasn(identifier = "l2")]
    L2 = 1,
    #[rasn(identifier = "l3")]
    L3 = 2,
    #[rasn(identifier = "l4")]
    L4 = 3,
    #[rasn(identifier = "l5")]
    L5 = 4,
    #[rasn(identifier = "l6")]
    L6 = 5,
    #[rasn(identifier = "l7")]
    L7 = 6,
}

/// EU category M (passenger vehicles).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum EuVehicleCategoryM {
    #[rasn(identifier = "m1")]
    M1 = 0,
    #[rasn(identifier = "m2")]
    M2 = 1,
    #[rasn(identifier = "m3")]
    M3 = 2,
}

/// EU category N (goods vehicles).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum EuVehicleCategoryN {
    #[rasn(identifier = "n1")]
    N1 = 0,
    #[rasn(identifier = "n2")]
    N2 = 1,
    #[rasn(identifier = "n3")]
    N3 = 2,
}

/// EU category O (trailers).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum EuVehicleCategoryO {
    #[rasn(identifier = "o1")]
    O1 = 0,
    #[rasn(identifier = "o2")]
    O2 = 1,
    #[rasn(identifier = "o3")]
    O3 = 2,
    #[rasn(identifier = "o4")]
    O4 = 3,
}

/// Euro emission class and CO2 class (ISO 14906 EnvironmentalCharacteristics).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct EnvironmentalCharacteristics {
    #[rasn(identifier = "euroValue")]
    pub euro_value: EuroValue,
    #[rasn(identifier = "copValue")]
    pub cop_value: CopValue,
}

/// Euro emission class.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum EuroValue {
    #[rasn(identifier = "noEntry")]
    NoEntry = 0,
    #[rasn(identifier = "euro-1")]
    Euro1 = 1,
    #[rasn(identifier = "euro-2")]
    Euro2 = 2,
    #[rasn(identifier = "euro-3")]
    Euro3 = 3,
    #[rasn(identifier = "euro-4")]
    Euro4 = 4,
    #[rasn(identifier = "euro-5")]
    Euro5 = 5,
    #[rasn(identifier = "euro-6")]
    Euro6 = 6,
    #[rasn(identifier = "reservedForUse1")]
    ReservedForUse1 = 7,
    #[rasn(identifier = "reservedForUse2")]
    ReservedForUse2 = 8,
    #[rasn(identifier = "reservedForUse3")]
    ReservedForUse3 = 9,
    #[rasn(identifier = "reservedForUse4")]
    ReservedForUse4 = 10,
    #[rasn(identifier = "reservedForUse5")]
    ReservedForUse5 = 11,
    #[rasn(identifier = "reservedForUse6")]
    ReservedForUse6 = 12,
    #[rasn(identifier = "reservedForUse7")]
    ReservedForUse7 = 13,
    #[rasn(identifier = "reservedForUse8")]
    ReservedForUse8 = 14,
    #[rasn(identifier = "eev")]
    Eev = 15,
}

/// CO2 class.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum CopValue {
    #[rasn(identifier = "noEntry")]
    NoEntry = 0,
    #[rasn(identifier = "co2class1")]
    Co2class1 = 1,
    #[rasn(identifier = "co2class2")]
    Co2class2 = 2,
    #[rasn(identifier = "co2class3")]
    Co2class3 = 3,
    #[rasn(identifier = "co2class4")]
    Co2class4 = 4,
    #[rasn(identifier = "co2class5")]
    Co2class5 = 5,
    #[rasn(identifier = "co2class6")]
    Co2class6 = 6,
    #[rasn(identifier = "co2class7")]
    Co2class7 = 7,
    #[rasn(identifier = "reservedforUse")]
    ReservedforUse = 8,
}

/// Engine kind (ISO 14906): 0 no entry, 1 no engine, 2 petrol unleaded, ... 9 hydrogen.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct EngineCharacteristics(pub u8);

/// What a vehicle carries.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct LoadType {
    #[rasn(identifier = "goodsType")]
    pub goods_type: GoodsType,
    #[rasn(identifier = "dangerousGoodsType")]
    pub dangerous_goods_type: DangerousGoodsBasic,
    #[rasn(identifier = "specialTransportType")]
    pub special_transport_type: SpecialTransportType,
}

/// Kind of goods (0..15, extensible).
pub type GoodsType = ExtInt<0, 15>;

/// A characteristic compared with a limit.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct VehicleCharacteristicsRanges {
    #[rasn(identifier = "comparisonOperator")]
    pub comparison_operator: ComparisonOperator,
    pub limits: Limits,
}

/// 0 greater than, 1 greater or equal, 2 less than, 3 less or equal (0..3).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=3"))]
pub struct ComparisonOperator(pub u8);

/// The limit a characteristic is compared with.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum Limits {
    #[rasn(identifier = "numberOfAxles", value("0..=7"))]
    NumberOfAxles(u8),
    #[rasn(identifier = "vehicleDimensions")]
    VehicleDimensions(VehicleDimensions),
    #[rasn(identifier = "vehicleWeightLimits")]
    VehicleWeightLimits(VehicleWeightLimits),
    #[rasn(identifier = "axleWeightLimits")]
    AxleWeightLimits(AxleWeightLimits),
    #[rasn(identifier = "passengerCapacity")]
    PassengerCapacity(PassengerCapacity),
    #[rasn(identifier = "exhaustEmissionValues")]
    ExhaustEmissionValues(ExhaustEmissionValues),
    #[rasn(identifier = "dieselEmissionValues")]
    DieselEmissionValues(DieselEmissionValues),
    #[rasn(identifier = "soundLevel")]
    SoundLevel(SoundLevel),
}

/// Overall length, height and width (ISO 14906, Int1 each).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct VehicleDimensions {
    #[rasn(identifier = "vehicleLengthOverall")]
    pub vehicle_length_overall: u8,
    #[rasn(identifier = "vehicleHeigthOverall")]
    pub vehicle_heigth_overall: u8,
    #[rasn(identifier = "vehicleWidthOverall")]
    pub vehicle_width_overall: u8,
}

/// Maximum laden, train and unladen weights (ISO 14906, Int2 each).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct VehicleWeightLimits {
    #[rasn(identifier = "vehicleMaxLadenWeight")]
    pub vehicle_max_laden_weight: u16,
    #[rasn(identifier = "vehicleTrainMaximumWeight")]
    pub vehicle_train_maximum_weight: u16,
    #[rasn(identifier = "vehicleWeightUnladen")]
    pub vehicle_weight_unladen: u16,
}

/// Maximum laden weight on each of five axles (ISO 14906, Int2 each).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct AxleWeightLimits {
    #[rasn(identifier = "maxLadenweightOnAxle1")]
    pub max_ladenweight_on_axle1: u16,
    #[rasn(identifier = "maxLadenweightOnAxle2")]
    pub max_ladenweight_on_axle2: u16,
    #[rasn(identifier = "maxLadenweightOnAxle3")]
    pub max_ladenweight_on_axle3: u16,
    #[rasn(identifier = "maxLadenweightOnAxle4")]
    pub max_ladenweight_on_axle4: u16,
    #[rasn(identifier = "maxLadenweightOnAxle5")]
    pub max_ladenweight_on_axle5: u16,
}

/// Seats and standing places (ISO 14906, Int1 each).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct PassengerCapacity {
    #[rasn(identifier = "numberOfSeats")]
    pub number_of_seats: u8,
    #[rasn(identifier = "numberOfStandingPlaces")]
    pub number_of_standing_places: u8,
}

/// Exhaust emissions (ISO 14906).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct ExhaustEmissionValues {
    #[rasn(identifier = "unitType")]
    pub unit_type: UnitType,
    #[rasn(identifier = "emissionCO", value("0..=32767"))]
    pub emission_co: u16,
    #[rasn(identifier = "emissionHC")]
    pub emission_hc: u16,
    #[rasn(identifier = "emissionNOX")]
    pub emission_nox: u16,
    #[rasn(identifier = "emissionHCNOX")]
    pub emission_hcnox: u16,
}

/// Diesel particulates and absorption coefficient (ISO 14906).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct DieselEmissionValues {
    pub particulate: Particulate,
    #[rasn(identifier = "absorptionCoeff")]
    pub absorption_coeff: u16,
}

/// Particulate emission with its unit.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Particulate {
    #[rasn(identifier = "unitType")]
    pub unit_type: UnitType,
    #[rasn(value("0..=32767"))]
    pub value: u16,
}

/// Unit of emission values: mg/km or mg/kWh.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(enumerated)]
pub enum UnitType {
    #[rasn(identifier = "mg-km")]
    MgKm = 0,
    #[rasn(identifier = "mg-kWh")]
    MgKWh = 1,
}

/// Stationary and drive-by sound levels (ISO 14906, Int1 each).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct SoundLevel {
    pub soundstationary: u8,
    pub sounddriveby: u8,
}

// ---------------------------------------------------------------------------------------
// Road configuration, text and layout containers.

/// Road configuration container: up to 16 (extensible) parts.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16", extensible))]
pub struct RoadConfigurationContainer(pub SequenceOf<RccPart>);

/// The lanes of the zones given.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RccPart {
    #[rasn(identifier = "relevanceZoneIds")]
    pub relevance_zone_ids: ZoneIds,
    #[rasn(identifier = "roadType")]
    pub road_type: RoadType,
    #[rasn(identifier = "laneConfiguration")]
    pub lane_configuration: LaneConfiguration,
}

/// Lanes of a road configuration (1..16, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16", extensible))]
pub struct LaneConfiguration(pub SequenceOf<LaneInformation>);

/// One lane: number, direction, type, status and, in v2's extensions, its zones, markings and
/// surface.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct LaneInformation {
    #[rasn(identifier = "laneNumber")]
    pub lane_number: LanePosition,
    pub direction: Direction,
    pub validity: Option<InternationalSignApplicablePeriod>,
    #[rasn(identifier = "laneType")]
    pub lane_type: LaneType,
    #[rasn(identifier = "laneTypeQualifier")]
    pub lane_type_qualifier: Option<CompleteVehicleCharacteristics>,
    #[rasn(identifier = "laneStatus")]
    pub lane_status: LaneStatus,
    #[rasn(identifier = "laneWidth")]
    pub lane_width: Option<IviLaneWidth>,
    /// v2's extension addition group: zones, markings and surface of the lane.
    #[rasn(extension_addition_group, identifier = "laneInformationExtension")]
    pub extension: Option<LaneInformationExtension>,
}

/// LaneInformation's extension addition group (ISO TS 19321 v2): in JER its components are
/// members of the LaneInformation. A group whose components are all absent is not sent.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
pub struct LaneInformationExtension {
    #[rasn(identifier = "detectionZoneIds")]
    pub detection_zone_ids: Option<ZoneIds>,
    #[rasn(identifier = "relevanceZoneIds")]
    pub relevance_zone_ids: Option<ZoneIds>,
    #[rasn(identifier = "laneCharacteristics")]
    pub lane_characteristics: Option<LaneCharacteristics>,
    #[rasn(identifier = "laneSurfaceStaticCharacteristics")]
    pub lane_surface_static_characteristics: Option<RoadSurfaceStaticCharacteristics>,
    #[rasn(identifier = "laneSurfaceDynamicCharacteristics")]
    pub lane_surface_dynamic_characteristics: Option<RoadSurfaceDynamicCharacteristics>,
}
impl LaneInformationExtension {
    /// Whether every component is absent (then the group itself must be).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Kind of lane: 0 traffic, 1 through, ... 20 minimum risk manoeuvre (0..31).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=31"))]
pub struct LaneType(pub u8);

/// Markings and delimitation of a lane.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct LaneCharacteristics {
    #[rasn(identifier = "zoneDefinitionAccuracy")]
    pub zone_definition_accuracy: DefinitionAccuracy,
    #[rasn(identifier = "existinglaneMarkingStatus")]
    pub existinglane_marking_status: bool,
    #[rasn(identifier = "newlaneMarkingColour")]
    pub newlane_marking_colour: MarkingColour,
    #[rasn(identifier = "laneDelimitationLeft")]
    pub lane_delimitation_left: LaneDelimitation,
    #[rasn(identifier = "laneDelimitationRight")]
    pub lane_delimitation_right: LaneDelimitation,
    #[rasn(identifier = "mergingWith")]
    pub merging_with: Zid,
}

/// Accuracy of a zone's definition: 0 1 cm .. 6 1 m, 7 unavailable (extensible).
pub type DefinitionAccuracy = ExtInt<0, 7>;
/// Colour of new lane markings: 0 white .. 4 blue, 7 unavailable (extensible).
pub type MarkingColour = ExtInt<0, 7>;
/// Lane delimitation: 0 none, 1 low separator .. 6 guardrail (0..7, extensible).
pub type LaneDelimitation = ExtInt<0, 7>;

/// Static properties of a road surface.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RoadSurfaceStaticCharacteristics {
    #[rasn(identifier = "frictionCoefficient")]
    pub friction_coefficient: FrictionCoefficient,
    pub material: MaterialType,
    pub wear: WearLevel,
    #[rasn(identifier = "avBankingAngle")]
    pub av_banking_angle: BankingAngle,
}

/// Friction coefficient in hundredths (0..101, 101 unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=101"))]
pub struct FrictionCoefficient(pub u8);

/// Surface material: 0 asphalt .. 3 gravel, 7 unavailable (0..7, extensible).
pub type MaterialType = ExtInt<0, 7>;
/// Surface wear: 0 new .. 3 potholes, 7 unavailable (0..7, extensible).
pub type WearLevel = ExtInt<0, 7>;

/// Banking angle in degrees (-20..21, 21 unavailable).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-20..=21"))]
pub struct BankingAngle(pub i8);

/// Changing properties of a road surface.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RoadSurfaceDynamicCharacteristics {
    pub condition: Condition,
    pub temperature: IviTemperature,
    #[rasn(identifier = "iceOrWaterDepth")]
    pub ice_or_water_depth: Depth,
    pub treatment: TreatmentType,
}

/// Surface condition: 0 dry .. 7 slush, 8 unavailable (0..15, extensible).
pub type Condition = ExtInt<0, 15>;

/// Surface temperature in degrees Celsius (IVI Temperature, -100..151; not the CDD's).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("-100..=151"))]
pub struct IviTemperature(pub i16);

/// Depth of ice or water in mm (0..255).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct Depth(pub u8);

/// Surface treatment: 0 none, 1 anti-skid, 2 anti-icing, 3 de-icing, 7 unavailable (0..7).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=7"))]
pub struct TreatmentType(pub u8);

/// Text container: up to 16 (extensible) parts.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16", extensible))]
pub struct TextContainer(pub SequenceOf<TcPart>);

/// One text IVI: where it applies, its text and data.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct TcPart {
    #[rasn(identifier = "detectionZoneIds")]
    pub detection_zone_ids: Option<ZoneIds>,
    #[rasn(identifier = "relevanceZoneIds")]
    pub relevance_zone_ids: ZoneIds,
    pub direction: Option<Direction>,
    #[rasn(identifier = "driverAwarenessZoneIds")]
    pub driver_awareness_zone_ids: Option<ZoneIds>,
    #[rasn(identifier = "minimumAwarenessTime", value("0..=255"))]
    pub minimum_awareness_time: Option<u8>,
    #[rasn(identifier = "applicableLanes")]
    pub applicable_lanes: Option<LanePositions>,
    #[rasn(identifier = "layoutId")]
    pub layout_id: Option<LayoutId>,
    #[rasn(identifier = "preStoredlayoutId")]
    pub pre_storedlayout_id: Option<PreStoredLayoutId>,
    pub text: Option<TextLines>,
    pub data: OctetString,
    /// v2's extension addition group: type, lane status and vehicles.
    #[rasn(extension_addition_group, identifier = "tcPartExtension")]
    pub extension: Option<TcPartExtension>,
}

/// TcPart's extension addition group (ISO TS 19321 v2): in JER its components are members
/// of the TcPart.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct TcPartExtension {
    #[rasn(identifier = "iviType")]
    pub ivi_type: IviType,
    #[rasn(identifier = "laneStatus")]
    pub lane_status: Option<LaneStatus>,
    #[rasn(identifier = "vehicleCharacteristics")]
    pub vehicle_characteristics: Option<VehicleCharacteristicsList>,
}

/// A line of text in a language (ISO 639-1 in 10 bits).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Text {
    #[rasn(identifier = "layoutComponentId")]
    pub layout_component_id: Option<LayoutId>,
    #[rasn(size("10"))]
    pub language: BitString,
    #[rasn(identifier = "textContent")]
    pub text_content: Utf8String,
}

/// A layout: its id, size and components.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct LayoutContainer {
    #[rasn(identifier = "layoutId")]
    pub layout_id: LayoutId,
    #[rasn(value("10..=73"))]
    pub height: Option<u8>,
    #[rasn(value("10..=265"))]
    pub width: Option<u16>,
    #[rasn(identifier = "layoutComponents")]
    pub layout_components: LayoutComponents,
}

/// Components of a layout (1..4, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=4", extensible))]
pub struct LayoutComponents(pub SequenceOf<LayoutComponent>);

/// One component of a layout: its id, size, place and text direction.
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct LayoutComponent {
    #[rasn(identifier = "layoutComponentId")]
    pub layout_component_id: ExtInt<1, 8>,
    #[rasn(value("10..=73"))]
    pub height: u8,
    #[rasn(value("10..=265"))]
    pub width: u16,
    #[rasn(value("10..=265"))]
    pub x: u16,
    #[rasn(value("10..=73"))]
    pub y: u8,
    /// 0 horizontal, 1 vertical.
    #[rasn(identifier = "textScripting", value("0..=1"))]
    pub text_scripting: u8,
}

// ---------------------------------------------------------------------------------------
// v2's extension containers.

/// Automated vehicle container: up to 16 (extensible) parts.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16", extensible))]
pub struct AutomatedVehicleContainer(pub SequenceOf<AvcPart>);

/// Rules for automated vehicles and platoons in the zones given.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct AvcPart {
    #[rasn(identifier = "detectionZoneIds")]
    pub detection_zone_ids: Option<ZoneIds>,
    #[rasn(identifier = "relevanceZoneIds")]
    pub relevance_zone_ids: ZoneIds,
    pub direction: Option<Direction>,
    #[rasn(identifier = "applicableLanes")]
    pub applicable_lanes: Option<LanePositions>,
    #[rasn(identifier = "vehicleCharacteristics")]
    pub vehicle_characteristics: Option<VehicleCharacteristicsList>,
    #[rasn(identifier = "automatedVehicleRules")]
    pub automated_vehicle_rules: Option<AutomatedVehicleRules>,
    #[rasn(identifier = "platooningRules")]
    pub platooning_rules: Option<PlatooningRules>,
}

/// Rules for automated vehicles (1..5).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=5"))]
pub struct AutomatedVehicleRules(pub SequenceOf<AutomatedVehicleRule>);

/// Rules for platoons (1..5).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=5"))]
pub struct PlatooningRules(pub SequenceOf<PlatooningRule>);

/// A rule for automated vehicles of the given SAE levels.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct AutomatedVehicleRule {
    pub priority: PriorityLevel,
    #[rasn(identifier = "allowedSaeAutomationLevels")]
    pub allowed_sae_automation_levels: SaeAutomationLevels,
    #[rasn(identifier = "minGapBetweenVehicles")]
    pub min_gap_between_vehicles: Option<GapBetweenVehicles>,
    #[rasn(identifier = "recGapBetweenVehicles")]
    pub rec_gap_between_vehicles: Option<GapBetweenVehicles>,
    #[rasn(identifier = "automatedVehicleMaxSpeedLimit")]
    pub automated_vehicle_max_speed_limit: Option<SpeedValue>,
    #[rasn(identifier = "automatedVehicleMinSpeedLimit")]
    pub automated_vehicle_min_speed_limit: Option<SpeedValue>,
    #[rasn(identifier = "automatedVehicleSpeedRecommendation")]
    pub automated_vehicle_speed_recommendation: Option<SpeedValue>,
    #[rasn(identifier = "roadSignCodes")]
    pub road_sign_codes: Option<RoadSignCodes>,
    #[rasn(identifier = "extraText")]
    pub extra_text: Option<TextLines>,
}

/// A rule for platoons of the given SAE levels.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct PlatooningRule {
    pub priority: PriorityLevel,
    #[rasn(identifier = "allowedSaeAutomationLevels")]
    pub allowed_sae_automation_levels: SaeAutomationLevels,
    #[rasn(identifier = "maxNoOfVehicles")]
    pub max_no_of_vehicles: Option<MaxNoOfVehicles>,
    /// The standard's spelling of the name.
    #[rasn(identifier = "maxLenghtOfPlatoon")]
    pub max_lenght_of_platoon: Option<MaxLenghtOfPlatoon>,
    #[rasn(identifier = "minGapBetweenVehicles")]
    pub min_gap_between_vehicles: Option<GapBetweenVehicles>,
    #[rasn(identifier = "platoonMaxSpeedLimit")]
    pub platoon_max_speed_limit: Option<SpeedValue>,
    #[rasn(identifier = "platoonMinSpeedLimit")]
    pub platoon_min_speed_limit: Option<SpeedValue>,
    #[rasn(identifier = "platoonSpeedRecommendation")]
    pub platoon_speed_recommendation: Option<SpeedValue>,
    #[rasn(identifier = "roadSignCodes")]
    pub road_sign_codes: Option<RoadSignCodes>,
    #[rasn(identifier = "extraText")]
    pub extra_text: Option<TextLines>,
}

/// Priority of a rule (0..2).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=2"))]
pub struct PriorityLevel(pub u8);

/// SAE automation levels a rule allows (1..5).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=5"))]
pub struct SaeAutomationLevels(pub SequenceOf<SaeAutomationLevel>);

/// SAE J3016 automation level (0..5).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=5"))]
pub struct SaeAutomationLevel(pub u8);

/// Gap between vehicles in 0.1 s (0..255).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("0..=255"))]
pub struct GapBetweenVehicles(pub u8);

/// Most vehicles in a platoon (2..64).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("2..=64"))]
pub struct MaxNoOfVehicles(pub u8);

/// Longest platoon in 10 m (1..64; the standard's spelling of the name).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[rasn(delegate, value("1..=64"))]
pub struct MaxLenghtOfPlatoon(pub u8);

/// A zone given by reference to a MAPEM road segment or intersection.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct MapLocationContainer {
    pub reference: MapReference,
    pub parts: MlcParts,
}

/// The MAPEM element a map location refers to (the DSRC types shared with MAPEM).
#[derive(AsnType, Encode, Decode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
pub enum MapReference {
    #[rasn(identifier = "roadsegment")]
    Roadsegment(RoadSegmentReferenceID),
    #[rasn(identifier = "intersection")]
    Intersection(IntersectionReferenceID),
}

/// Zones of a map location (1..16, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16", extensible))]
pub struct MlcParts(pub SequenceOf<MlcPart>);

/// A zone made of MAPEM lanes.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct MlcPart {
    #[rasn(identifier = "zoneId")]
    pub zone_id: Zid,
    #[rasn(identifier = "laneIds")]
    pub lane_ids: Option<LaneIds>,
}

/// MAPEM lane ids (1..16, extensible).
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16", extensible))]
pub struct LaneIds(pub SequenceOf<LaneID>);

/// Road surface container: up to 16 (extensible) parts.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=16", extensible))]
pub struct RoadSurfaceContainer(pub SequenceOf<RscPart>);

/// Road surface properties in the zones given.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct RscPart {
    #[rasn(identifier = "detectionZoneIds")]
    pub detection_zone_ids: Option<ZoneIds>,
    #[rasn(identifier = "relevanceZoneIds")]
    pub relevance_zone_ids: ZoneIds,
    pub direction: Option<Direction>,
    #[rasn(identifier = "roadSurfaceStaticCharacteristics")]
    pub road_surface_static_characteristics: Option<RoadSurfaceStaticCharacteristics>,
    #[rasn(identifier = "roadSurfaceDynamicCharacteristics")]
    pub road_surface_dynamic_characteristics: Option<RoadSurfaceDynamicCharacteristics>,
}

super::pdu::its_pdu! {
    /// IVIM (TS 103 301, protocolVersion 2; ISO TS 19321 v2 content). Version 1 carried
    /// ISO TS 19321 v1, whose structure differs and is not typed here.
    pub struct Ivim {
        ivi: IviStructure = "ivi",
        id: ItsPduHeader::IVIM,
        versions: [2],
        send: 2,
    }
    fn check_dialect(&self) -> Result<(), Error> {
        // UPER would carry a present group with nothing in it, which X.691 sends as absent
        // and JER cannot tell from absent.
        let containers = self.ivi.optional.iter().flat_map(|c| c.0.iter().enumerate());
        for (i, container) in containers {
            let IviContainer::Rcc(rcc) = container else {
                continue;
            };
            for (p, part) in rcc.0.iter().enumerate() {
                for (l, lane) in part.lane_configuration.0.iter().enumerate() {
                    if lane.extension.as_ref().is_some_and(LaneInformationExtension::is_empty) {
                        return Err(Error::Constraint {
                            path: format!(
                                "ivi.optional[{i}].rcc[{p}].laneConfiguration[{l}]"
                            ),
                            reason: "extension addition group present with no component".into(),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// Bytes checked with pycrate's ITS_IS IVI module.
    #[test]
    fn extensible_integers_keep_their_extension_bit() {
        let zid = |v: i64| rasn::uper::encode::<Zid>(&ExtInt(v)).unwrap();
        assert_eq!(zid(1), [0x00]);
        assert_eq!(zid(32), [0x7c]);
        assert_eq!(zid(40), [0x80, 0x94, 0x00]);
        assert_eq!(zid(100_000), [0x81, 0x80, 0xc3, 0x50, 0x00]);
        assert_eq!(
            rasn::uper::decode::<Zid>(&[0x80, 0x94, 0x00]).unwrap(),
            ExtInt(40)
        );
        // An extension value of 9 octets does not fit 64 bits: an error, not a panic.
        let mut huge = vec![0x84, 0xbf];
        huge.extend([0xff; 8]);
        huge.push(0x80);
        assert!(rasn::uper::decode::<Zid>(&huge).is_err());
    }

    /// Code-Units 5 (cm) is inside the PER range 2..8 of a distance's unit but not a value of
    /// it: refused both ways.
    #[test]
    fn distance_unit_five_is_refused() {
        let d = Distance {
            value: 16384,
            unit: DistanceUnit::METRE,
        };
        let bytes = rasn::uper::encode(&d).unwrap();
        assert_eq!(bytes, [0xff, 0xfc, 0x80]);
        assert_eq!(rasn::uper::decode::<Distance>(&bytes).unwrap(), d);
        let five = Distance {
            value: 1,
            unit: DistanceUnit(5),
        };
        assert!(rasn::uper::encode(&five).is_err());
        // value 1 (14 zero bits) and unit 5 - 2 = 3 in 3 bits.
        let e = rasn::uper::decode::<Distance>(&[0x00, 0x01, 0x80]).unwrap_err();
        assert!(e.to_string().contains("not a distance unit"), "{e}");
    }

    /// TcPart's extension addition group: one presence bit and one open type on the wire,
    /// its components among TcPart's own in JER (bytes and JSON from pycrate).
    #[test]
    fn tc_part_group_is_one_open_type_and_flat_in_jer() {
        let part = TcPart {
            detection_zone_ids: None,
            relevance_zone_ids: ZoneIds(vec![ExtInt(1)]),
            direction: None,
            driver_awareness_zone_ids: None,
            minimum_awareness_time: None,
            applicable_lanes: None,
            layout_id: None,
            pre_storedlayout_id: None,
            text: None,
            data: OctetString::from_static(&[0x01]),
            extension: Some(TcPartExtension {
                ivi_type: IviType(6),
                lane_status: Some(ExtInt(2)),
                vehicle_characteristics: None,
            }),
        };
        let bytes = rasn::uper::encode(&part).unwrap();
        assert_eq!(
            crate::jer::hex_lower(&bytes),
            "800000202020562000",
            "{bytes:02x?}"
        );
        assert_eq!(rasn::uper::decode::<TcPart>(&bytes).unwrap(), part);
        let json = crate::jer::to_value(&part).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"data": "01", "iviType": 6, "laneStatus": 2, "relevanceZoneIds": [1]})
        );
        assert_eq!(crate::jer::decode::<TcPart>(&json).unwrap(), part);
    }
}
