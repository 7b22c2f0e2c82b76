//! RoadSideAlert (RSA, J2735 messageId 27): a short ITIS-coded hazard or event alert.

use super::*;
use rasn::prelude::*;

/// Roadside alert: an ITIS event type with optional detail codes, urgency, applicable headings,
/// extent and position of the event.
#[derive(AsnType, Encode, Decode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct RoadSideAlert {
    #[rasn(identifier = "msgCnt")]
    pub msg_cnt: MsgCount,
    #[rasn(identifier = "timeStamp")]
    pub time_stamp: Option<MinuteOfTheYear>,
    /// Category and item of the alert, as an ITIS code.
    #[rasn(identifier = "typeEvent")]
    pub type_event: ITIScodes,
    /// Up to eight further ITIS codes describing the event or giving advice.
    #[rasn(size("1..=8"))]
    pub description: Option<SequenceOf<ITIScodes>>,
    /// Urgency relative to other alerts of the same type.
    pub priority: Option<Priority>,
    /// Headings of vehicles to which the alert applies.
    pub heading: Option<HeadingSlice>,
    /// Distance over which the alert applies.
    pub extent: Option<Extent>,
    /// Position (and motion) of the event.
    pub position: Option<FullPositionVector>,
    /// Link to other incident information.
    #[rasn(identifier = "furtherInfoID")]
    pub further_info_id: Option<FurtherInfoID>,
    #[rasn(size("1..=4"))]
    pub regional: Option<SequenceOf<RegionalExtension>>,
}

impl RoadSideAlert {
    /// An alert with its mandatory fields; the optional ones start absent.
    pub fn new(msg_cnt: MsgCount, type_event: ITIScodes) -> Self {
        Self {
            msg_cnt,
            time_stamp: None,
            type_event,
            description: None,
            priority: None,
            heading: None,
            extent: None,
            position: None,
            further_info_id: None,
            regional: None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn uper_round_trip(rsa: &RoadSideAlert) -> Vec<u8> {
        let bytes = rasn::uper::encode(rsa).unwrap();
        let back: RoadSideAlert = rasn::uper::decode(&bytes).unwrap();
        assert_eq!(&back, rsa);
        bytes
    }

    fn jer_round_trip(rsa: &RoadSideAlert) -> serde_json::Value {
        let json = crate::jer::to_value(rsa).unwrap();
        let back: RoadSideAlert = rasn::jer::decode(&json.to_string()).unwrap();
        assert_eq!(&back, rsa);
        json
    }

    /// A full position report with most optional members filled in.
    fn position() -> FullPositionVector {
        let mut fpv = FullPositionVector::new(Longitude(-1_049_694_862), Latitude(404_740_844));
        fpv.elevation = Some(Elevation(1580));
        fpv.heading = Some(Heading(14_400));
        fpv.speed = Some(TransmissionAndSpeed {
            transmisson: TransmissionState::ForwardGears,
            speed: Velocity(500),
        });
        fpv
    }

    fn full_rsa() -> RoadSideAlert {
        let mut rsa = RoadSideAlert::new(MsgCount(127), ITIScodes(531));
        rsa.time_stamp = Some(MinuteOfTheYear(527_040));
        rsa.description = Some(vec![ITIScodes(7169), ITIScodes(8026), ITIScodes(0)]);
        rsa.priority = Some(Priority(FixedOctetString::from([0xC0])));
        rsa.heading = Some(HeadingSlice(BitString::from_slice(&[0x00, 0x14])));
        rsa.extent = Some(Extent::Forever);
        rsa.position = Some(position());
        rsa.further_info_id = Some(FurtherInfoID(FixedOctetString::from([0x12, 0x34])));
        rsa
    }

    #[test]
    fn minimal_rsa_bytes_by_hand() {
        // ext bit 0, 8 presence bits 0, msgCnt 5 in 7 bits, typeEvent 531 in 16 bits.
        let rsa = RoadSideAlert::new(MsgCount(5), ITIScodes(531));
        assert_eq!(uper_round_trip(&rsa), [0x00, 0x05, 0x02, 0x13]);
    }

    #[test]
    fn small_rsa_bytes_by_hand() {
        // 0 | 10001010 | 0000001 | timeStamp 1000 in 20 bits | 513 in 16 bits |
        // extent index 4 in 4 bits | furtherInfoID 0xABCD as 16 bits, no length.
        let mut rsa = RoadSideAlert::new(MsgCount(1), ITIScodes(513));
        rsa.time_stamp = Some(MinuteOfTheYear(1000));
        rsa.extent = Some(Extent::UseFor100meters);
        rsa.further_info_id = Some(FurtherInfoID(FixedOctetString::from([0xAB, 0xCD])));
        assert_eq!(
            uper_round_trip(&rsa),
            [0x45, 0x01, 0x00, 0x3E, 0x80, 0x20, 0x14, 0xAB, 0xCD]
        );
        let json = jer_round_trip(&rsa);
        let expected = serde_json::json!({
            "msgCnt": 1,
            "timeStamp": 1000,
            "typeEvent": 513,
            "extent": "useFor100meters",
            "furtherInfoID": "abcd",
        });
        assert_eq!(json, expected);
    }

    #[test]
    fn full_rsa_round_trips() {
        let rsa = full_rsa();
        uper_round_trip(&rsa);
        let json = jer_round_trip(&rsa);
        assert_eq!(json["description"], serde_json::json!([7169, 8026, 0]));
        assert_eq!(json["position"]["long"], -1_049_694_862);
        assert_eq!(json["position"]["speed"]["transmisson"], "forwardGears");
    }

    #[test]
    fn rsa_with_regional_round_trips() {
        let mut rsa = full_rsa();
        rsa.regional = Some(vec![RegionalExtension::new(RegionId(1), vec![0x80])]);
        uper_round_trip(&rsa);
        let json = jer_round_trip(&rsa);
        assert_eq!(
            json["regional"],
            serde_json::json!([{"regionId": 1, "regExtValue": "80"}])
        );
    }

    #[test]
    fn out_of_range_rsa_refused() {
        let mut rsa = full_rsa();
        rsa.msg_cnt = MsgCount(128);
        assert!(rasn::uper::encode(&rsa).is_err());

        let mut rsa = full_rsa();
        rsa.description = Some(vec![ITIScodes(1); 9]);
        assert!(rasn::uper::encode(&rsa).is_err());

        let mut rsa = full_rsa();
        rsa.description = Some(vec![]);
        assert!(rasn::uper::encode(&rsa).is_err());

        let mut rsa = full_rsa();
        rsa.time_stamp = Some(MinuteOfTheYear(527_041));
        assert!(rasn::uper::encode(&rsa).is_err());
    }
}
