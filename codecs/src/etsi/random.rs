//! Random valid ETSI messages for property and differential tests: [`crate::random`]'s
//! values with the Addgrp-C extensions of their hosts filled in as typed views (random
//! opaque `regional` octets would not be valid Addgrp-C).

use rasn::error::DecodeError;

use super::*;
use crate::j2735::{
    GenericLane, MapData, NodeListXY, NodeXY, Position3D, RegionId, RegionalExtension,
    RestrictionUserType, SPAT, SignalRequestMessage, SignalStatusMessage, StationID, TimeMark,
};
use crate::random::{RandomOptions, random_value};

/// Draws extensions from seeds derived from the message's seed, one per host.
struct Extensions {
    seed: u64,
    options: RandomOptions,
    count: u64,
}

impl Extensions {
    fn new(seed: u64, options: RandomOptions) -> Self {
        Self {
            seed,
            options: RandomOptions {
                regional: false,
                ..options
            },
            count: 0,
        }
    }

    /// Every other host gets an extension (present or not decided by the seed).
    fn put<T: AddGrpC>(&mut self, regional: &mut Option<Vec<RegionalExtension>>) {
        self.count += 1;
        let seed = self.seed.wrapping_mul(1_000_003).wrapping_add(self.count);
        if seed.is_multiple_of(2) {
            return;
        }
        // A drawn value always encodes (it satisfies its constraints); if one ever did not,
        // the host simply goes without.
        if let Ok(value) = random_value::<T>(seed, self.options) {
            let _ = value.put(regional);
        }
    }

    fn put_one<T: AddGrpC>(&mut self, regional: &mut Option<RegionalExtension>) {
        let mut list = None;
        self.put::<T>(&mut list);
        *regional = list.and_then(|l| l.into_iter().next());
    }

    fn position(&mut self, p: &mut Position3D<Etsi>) {
        self.put::<Position3DAddGrpC>(&mut p.regional);
    }

    fn nodes(&mut self, nodes: &mut NodeListXY<Etsi>) {
        if let NodeListXY::Nodes(set) = nodes {
            for node in &mut set.0 {
                self.node(node);
            }
        }
    }

    fn node(&mut self, node: &mut NodeXY<Etsi>) {
        if let Some(a) = &mut node.attributes {
            self.put::<NodeAttributeSetAddGrpC>(&mut a.regional);
        }
    }

    fn lane(&mut self, lane: &mut GenericLane<Etsi>) {
        self.put_one::<LaneAttributesAddGrpC>(&mut lane.lane_attributes.regional);
        self.put::<ConnectionTrajectoryAddGrpC>(&mut lane.regional);
        self.nodes(&mut lane.node_list);
    }
}

/// Options without opaque `regional` entries: the extensions are typed Addgrp-C ones.
fn base(options: RandomOptions) -> RandomOptions {
    RandomOptions {
        regional: false,
        ..options
    }
}

fn header(seed: u64, message_id: u8, versions: &[u8]) -> ItsPduHeader {
    let version = versions
        .get((seed % versions.len().max(1) as u64) as usize)
        .copied()
        .unwrap_or(2);
    ItsPduHeader::new(
        version,
        message_id,
        StationID((seed as u32).wrapping_mul(2_654_435_761)),
    )
}

/// A random SPATEM: TimeMarks within ISO's 0..36001, MovementEvent, IntersectionState and
/// ConnectionManeuverAssist Addgrp-C extensions on about half their hosts.
pub fn spatem(seed: u64, options: RandomOptions) -> Result<Spatem, DecodeError> {
    let mut spat: SPAT = random_value(seed, base(options))?;
    let mut ext = Extensions::new(seed, options);
    let iso = |m: TimeMark| TimeMark(m.0 % (ISO_TIME_MARK_MAX + 1));
    for i in &mut spat.intersections.0 {
        ext.put::<IntersectionStateAddGrpC>(&mut i.regional);
        for s in &mut i.states.0 {
            for e in &mut s.state_time_speed.0 {
                ext.put::<MovementEventAddGrpC>(&mut e.regional);
                if let Some(t) = &mut e.timing {
                    t.start_time = t.start_time.map(iso);
                    t.min_end_time = iso(t.min_end_time);
                    t.max_end_time = t.max_end_time.map(iso);
                    t.likely_time = t.likely_time.map(iso);
                    t.next_time = t.next_time.map(iso);
                }
            }
            for a in s
                .maneuver_assist_list
                .iter_mut()
                .flat_map(|l| l.0.iter_mut())
            {
                ext.put::<ConnectionManeuverAssistAddGrpC>(&mut a.regional);
            }
        }
        for a in i
            .maneuver_assist_list
            .iter_mut()
            .flat_map(|l| l.0.iter_mut())
        {
            ext.put::<ConnectionManeuverAssistAddGrpC>(&mut a.regional);
        }
    }
    Ok(Spatem {
        header: header(seed, ItsPduHeader::SPATEM, Spatem::PROTOCOL_VERSIONS),
        spat,
    })
}

/// A random MAPEM with Addgrp-C extensions on MapData, reference points, lanes, lane
/// attributes and node attributes (about half of each).
pub fn mapem(seed: u64, options: RandomOptions) -> Result<Mapem, DecodeError> {
    let mut map: MapData<Etsi> = random_value(seed, base(options))?;
    let mut ext = Extensions::new(seed, options);
    ext.put::<MapDataAddGrpC>(&mut map.regional);
    for i in map.intersections.iter_mut().flat_map(|l| l.0.iter_mut()) {
        ext.position(&mut i.ref_point);
        for lane in &mut i.lane_set.0 {
            ext.lane(lane);
        }
    }
    // A RestrictionUserType may be only regional data: the generator's opaque entries of
    // region 3 become valid RestrictionUserType-addGrpC values.
    for class in map.restriction_list.iter_mut().flat_map(|l| l.0.iter_mut()) {
        for user in &mut class.users.0 {
            if let RestrictionUserType::Regional(list) = user {
                for entry in list
                    .iter_mut()
                    .filter(|e| e.region_id == RegionId::ADD_GRP_C)
                {
                    let mut one = None;
                    ext.put_one::<RestrictionUserTypeAddGrpC>(&mut one);
                    // Without a drawn value the entry moves to a region no table types.
                    *entry = one.unwrap_or_else(|| RegionalExtension::new(RegionId(200), vec![0]));
                }
            }
        }
    }
    for r in map.road_segments.iter_mut().flat_map(|l| l.0.iter_mut()) {
        ext.position(&mut r.ref_point);
        for lane in &mut r.road_lane_set.0 {
            ext.lane(lane);
        }
    }
    Ok(Mapem {
        header: header(seed, ItsPduHeader::MAPEM, Mapem::PROTOCOL_VERSIONS),
        map,
    })
}

/// A random SREM with a RequestorDescription Addgrp-C extension on about half.
pub fn srem(seed: u64, options: RandomOptions) -> Result<Srem, DecodeError> {
    let mut srm: SignalRequestMessage<Etsi> = random_value(seed, base(options))?;
    let mut ext = Extensions::new(seed, options);
    ext.put::<RequestorDescriptionAddGrpC>(&mut srm.requestor.regional);
    if let Some(p) = &mut srm.requestor.position {
        ext.position(&mut p.position);
    }
    Ok(Srem {
        header: header(seed, ItsPduHeader::SREM, Srem::PROTOCOL_VERSIONS),
        srm,
    })
}

/// A random SSEM with SignalStatusPackage Addgrp-C extensions on about half.
pub fn ssem(seed: u64, options: RandomOptions) -> Result<Ssem, DecodeError> {
    let mut ssm: SignalStatusMessage<Etsi> = random_value(seed, base(options))?;
    let mut ext = Extensions::new(seed, options);
    for status in &mut ssm.status.0 {
        for package in &mut status.sig_status.0 {
            ext.put::<SignalStatusPackageAddGrpC>(&mut package.regional);
        }
    }
    Ok(Ssem {
        header: header(seed, ItsPduHeader::SSEM, Ssem::PROTOCOL_VERSIONS),
        ssm,
    })
}

/// A random CAM; every fourth is an RSU's (stationType 15, RSU high-frequency container).
pub fn cam(seed: u64, options: RandomOptions) -> Result<Cam, DecodeError> {
    let mut cam: CoopAwareness = random_value(seed, base(options))?;
    if seed.is_multiple_of(4) {
        let params = &mut cam.cam_parameters;
        params.basic_container.station_type = StationType::ROAD_SIDE_UNIT;
        params.high_frequency_container =
            HighFrequencyContainer::RsuContainerHighFrequency(random_value(seed, base(options))?);
        params.low_frequency_container = None;
        params.special_vehicle_container = None;
    }
    Ok(Cam {
        header: header(seed, ItsPduHeader::CAM, Cam::PROTOCOL_VERSIONS),
        cam,
    })
}

/// A random DENM.
pub fn denm(seed: u64, options: RandomOptions) -> Result<Denm, DecodeError> {
    Ok(Denm {
        header: header(seed, ItsPduHeader::DENM, Denm::PROTOCOL_VERSIONS),
        denm: random_value(seed, base(options))?,
    })
}

/// A random IVIM: every IVI container, v2's extension containers and extension additions
/// included. A draw that picks GDD Code-Units 5 for a distance (inside the PER range 2..8 but
/// not a distance unit) is refused by the type and drawn again from a derived seed.
pub fn ivim(seed: u64, options: RandomOptions) -> Result<Ivim, DecodeError> {
    let mut last = None;
    for attempt in 0..64u64 {
        let draw = seed.wrapping_add(attempt.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        match random_value::<IviStructure>(draw, base(options)) {
            Ok(mut ivi) => {
                // A drawn group with nothing in it is sent as no group.
                for container in ivi.optional.iter_mut().flat_map(|c| c.0.iter_mut()) {
                    if let IviContainer::Rcc(rcc) = container {
                        for part in &mut rcc.0 {
                            for lane in &mut part.lane_configuration.0 {
                                if lane.extension.as_ref().is_some_and(|e| e.is_empty()) {
                                    lane.extension = None;
                                }
                            }
                        }
                    }
                }
                return Ok(Ivim {
                    header: header(seed, ItsPduHeader::IVIM, Ivim::PROTOCOL_VERSIONS),
                    ivi,
                });
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        <DecodeError as rasn::de::Error>::custom("no IVIM drawn", rasn::Codec::Jer)
    }))
}
