//! IEEE 1609.2 `GeographicRegion` checks: is a position inside a region, and is a region
//! inside another (the certificate chain rule: "a certificate is not valid if any part of
//! its region lies outside the region of its issuer", IEEE 1609.2 `GeographicRegion`).
//!
//! Answers are tri-state ([`Containment`]): some questions cannot be answered without data
//! this module does not have (country borders for `IdentifiedRegion`), or without geometry it
//! does not attempt (a shape covered only by the union of several outer shapes). Those are
//! [`Containment::Undecidable`]; the verifier maps them through its policy (a strict policy
//! rejects, a lenient one accepts). Malformed regions are not a containment question: they
//! are [`RegionError`]s, and a certificate carrying one is invalid whatever the policy.
//!
//! Geometry, units and approximations:
//! - latitudes and longitudes are in 1e-7 degree (`NinetyDegreeInt`, `OneEightyDegreeInt`);
//!   boundaries are inclusive everywhere;
//! - circles are spherical caps: great-circle (haversine) distance on a sphere of radius
//!   [`EARTH_MEAN_RADIUS_M`], with a tolerance of [`DISTANCE_TOLERANCE_M`] for rounding;
//! - rectangles have sides of constant latitude and longitude; a rectangle whose north-west
//!   longitude is east of its south-east longitude crosses the antimeridian and covers
//!   `lon >= west || lon <= east`;
//! - polygons are handled in the plane of (longitude, latitude): sides are straight lines in
//!   degrees, not geodesics. The difference is the geodesic's poleward bulge, about a metre
//!   for 10 km sides at mid latitudes. Longitudes are unwrapped relative to the first vertex,
//!   so polygons may cross the antimeridian but must span less than 180° of longitude.

use std::collections::{BTreeMap, BTreeSet};
use std::f64::consts::FRAC_PI_2;

use rasn_its::ieee1609dot2::base_types::{
    GeographicRegion, IdentifiedRegion, RectangularRegion, SequenceOfIdentifiedRegion, TwoDLocation,
};
use thiserror::Error;

/// Mean Earth radius (IUGG, R1) in metres, the sphere used for circular regions.
pub const EARTH_MEAN_RADIUS_M: f64 = 6_371_008.8;
/// Slack added to circle radii so that float rounding does not turn an exact fit (equal or
/// internally touching circles) into a failure. Far below the 1e-7° (≈1.1 cm) resolution.
pub const DISTANCE_TOLERANCE_M: f64 = 1e-3;
/// Most rectangles accepted in one region (1609.2 requires at least 8).
pub const MAX_RECTANGLES: usize = 64;
/// Most polygon vertices accepted (1609.2 requires at least 8).
pub const MAX_POLYGON_VERTICES: usize = 64;
/// Most `IdentifiedRegion` entries accepted (1609.2 requires at least 8).
pub const MAX_IDENTIFIED_REGIONS: usize = 64;
/// Most region or subregion codes accepted in one identified entry (1609.2 requires at
/// least 8; a US state can have a few hundred counties).
pub const MAX_REGION_CODES: usize = 1024;

/// Answer to "is A inside B".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Containment {
    /// Entirely inside (boundary included).
    Inside,
    /// At least partly outside.
    Outside,
    /// Cannot be decided here (identified regions without border data, unions of shapes,
    /// unavailable positions); the verifier's policy decides.
    Undecidable,
}

/// A region that is malformed or beyond what this implementation supports. 1609.2 makes a
/// certificate or SPDU carrying such a region invalid (critical information field, §5.2.6).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegionError {
    /// A region coordinate is the "unavailable" value (900000001 or 1800000001).
    #[error("region coordinate marked unavailable")]
    UnavailableCoordinate,
    /// A latitude or longitude is outside its range.
    #[error("latitude or longitude out of range")]
    CoordinateOutOfRange,
    /// The rectangle's north-west corner is south of its south-east corner.
    #[error("rectangle north-west corner is south of its south-east corner")]
    RectangleInverted,
    /// The rectangle's corners share a latitude or a longitude.
    #[error("rectangle corners share a latitude or a longitude")]
    RectangleDegenerate,
    /// A polygon needs at least three vertices.
    #[error("polygon has fewer than three vertices")]
    PolygonTooFewVertices,
    /// Two consecutive polygon vertices are equal.
    #[error("polygon has repeated consecutive vertices")]
    PolygonRepeatedVertex,
    /// Polygon sides intersect (1609.2: a valid polygon has no intersecting sides).
    #[error("polygon sides intersect")]
    PolygonSelfIntersecting,
    /// The polygon spans 180° of longitude or more (the planar model does not apply).
    #[error("polygon spans 180 degrees of longitude or more")]
    PolygonTooWide,
    /// More entries than this implementation supports.
    #[error("{what}: {count} entries, at most {max} supported")]
    TooManyEntries {
        /// Which list.
        what: &'static str,
        /// Entries present.
        count: usize,
        /// Entries supported.
        max: usize,
    },
    /// A list that must not be empty is.
    #[error("{0}: empty list")]
    EmptyList(&'static str),
    /// A CHOICE alternative this implementation does not know.
    #[error("unsupported region choice")]
    UnsupportedChoice,
}

const LAT_MAX: i64 = 900_000_000;
const LAT_UNAVAILABLE: i32 = 900_000_001;
const LON_MIN: i64 = -1_799_999_999;
const LON_MAX: i64 = 1_800_000_000;
const LON_UNAVAILABLE: i32 = 1_800_000_001;
const FULL_TURN: i64 = 3_600_000_000;
const HALF_TURN: i64 = 1_800_000_000;
const E7: f64 = 1e7;
/// On-boundary tolerance for planar tests, in 1e-7° units (≈ 10 µm).
const PLANAR_TOLERANCE: f64 = 1e-3;

/// Whether the position (`lat_e7`, `lon_e7`, in 1e-7°) lies in `region`.
///
/// Circles: great-circle distance to the centre ≤ radius. Rectangles: inside any of them.
/// Polygons: planar point-in-polygon (boundary included). Identified regions, and positions
/// given as "unavailable", are [`Containment::Undecidable`]. Out-of-range positions and
/// malformed regions are errors.
pub fn contains_point(
    region: &GeographicRegion,
    lat_e7: i32,
    lon_e7: i32,
) -> Result<Containment, RegionError> {
    let shape = parse(region)?;
    let Some(point) = classify(lat_e7, lon_e7)? else {
        return Ok(Containment::Undecidable);
    };
    Ok(match &shape {
        Shape::Circle(cap) => inside_if(cap.contains(point)),
        Shape::Rects(rects) => inside_if(rects.iter().any(|r| r.contains(point))),
        Shape::Polygon(poly) => inside_if(poly.contains(point)),
        Shape::Identified(_) => Containment::Undecidable,
    })
}

/// Whether `inner` lies entirely inside `outer` (the issuer-region rule for certificate
/// chains).
///
/// - circle in circle: exact, distance between centres + inner radius ≤ outer radius;
/// - rectangles / polygon in circle: exact, every corner or vertex within the circle (and
///   no rectangle reaching the meridian opposite the centre);
/// - circle in rectangles: the circle's latitude/longitude bounding box must be covered by
///   the rectangles; if it is not, `Outside` when a point of the circle is provably outside
///   (always the case for a single rectangle), else `Undecidable`;
/// - rectangles in rectangles: exact, each inner rectangle covered by the union of the
///   outer ones;
/// - circle in polygon: planar, centre inside and every side at least the radius away
///   (in a local equirectangular projection, with 0.1 % + 1 m of margin; within the margin
///   the answer is `Undecidable`);
/// - rectangles / polygon in polygon: planar and exact also for non-convex outer polygons:
///   all vertices inside and every side, cut where it meets the outer boundary, inside;
/// - polygon in rectangles: planar; inside one rectangle → `Inside`, a vertex outside all
///   of them → `Outside`, otherwise `Undecidable`;
/// - identified in identified: see [`identified_within`]; identified against a geometric
///   region, either way round: `Undecidable`.
pub fn region_within(
    inner: &GeographicRegion,
    outer: &GeographicRegion,
) -> Result<Containment, RegionError> {
    let inner = parse(inner)?;
    let outer = parse(outer)?;
    Ok(match (&inner, &outer) {
        (Shape::Identified(i), Shape::Identified(o)) => merged_identified_within(i, o),
        (Shape::Identified(_), _) | (_, Shape::Identified(_)) => Containment::Undecidable,

        (Shape::Circle(i), Shape::Circle(o)) => inside_if(
            i.center.distance_m(o.center) + i.radius_m <= o.radius_m + DISTANCE_TOLERANCE_M,
        ),
        (Shape::Rects(rects), Shape::Circle(o)) => {
            all_of(rects.iter().map(|r| inside_if(o.contains_rect(r))))
        }
        (Shape::Polygon(p), Shape::Circle(o)) => inside_if(p.vertices().all(|v| o.contains(v))),

        (Shape::Circle(i), Shape::Rects(o)) => cap_in_rects(i, o),
        (Shape::Rects(i), Shape::Rects(o)) => {
            all_of(i.iter().map(|r| inside_if(rect_covered(r, o))))
        }
        (Shape::Polygon(p), Shape::Rects(o)) => polygon_in_rects(p, o),

        (Shape::Circle(i), Shape::Polygon(o)) => cap_in_polygon(i, o),
        (Shape::Rects(i), Shape::Polygon(o)) => all_of(i.iter().map(|r| {
            if r.width >= HALF_TURN {
                Containment::Outside
            } else {
                polygon_in_polygon(&r.as_planar(o.reference), &o.planar)
            }
        })),
        (Shape::Polygon(i), Shape::Polygon(o)) => {
            polygon_in_polygon(&i.planar_about(o.reference), &o.planar)
        }
    })
}

/// Checks that `region` is well formed and within this implementation's limits.
pub fn validate(region: &GeographicRegion) -> Result<(), RegionError> {
    parse(region).map(|_| ())
}

/// UN M.49 codes of areas (world, continents, sub-continental regions) rather than
/// countries: an area may contain countries, which cannot be decided without the M.49
/// hierarchy.
const M49_AREAS: [u16; 30] = [
    1, 2, 5, 9, 11, 13, 14, 15, 17, 18, 19, 21, 29, 30, 34, 35, 39, 53, 54, 57, 61, 142, 143, 145,
    150, 151, 154, 155, 202, 419,
];

/// Identified-region containment (UN M.49 country codes; regions and subregions are, for
/// the USA, FIPS state and county codes).
///
/// Outer entries are merged per country. An inner entry is covered when the outer covers
/// its whole country (`countryOnly`), lists all of its regions, or lists all of its
/// subregions under the same region. An inner entry naming a larger area than the outer
/// lists (a whole country against listed regions, a whole region against listed
/// subregions) is `Undecidable`: only the region table would tell whether the list is
/// complete. An inner entry whose country is absent from the outer is `Outside`, unless the
/// outer names an M.49 area (such as 150, Europe), which is `Undecidable`.
pub fn identified_within(
    inner: &SequenceOfIdentifiedRegion,
    outer: &SequenceOfIdentifiedRegion,
) -> Result<Containment, RegionError> {
    check_identified(inner)?;
    check_identified(outer)?;
    Ok(merged_identified_within(inner, outer))
}

fn merged_identified_within(
    inner: &SequenceOfIdentifiedRegion,
    outer: &SequenceOfIdentifiedRegion,
) -> Containment {
    let mut countries: BTreeMap<u16, CountryCover> = BTreeMap::new();
    let mut outer_has_area = false;
    for entry in outer.iter() {
        let (country, cover) = match entry {
            IdentifiedRegion::CountryOnly(c) => (**c, CountryCover::whole()),
            IdentifiedRegion::CountryAndRegions(c) => (
                *c.country_only,
                CountryCover::regions(c.regions.iter().copied()),
            ),
            IdentifiedRegion::CountryAndSubregions(c) => {
                let mut cover = CountryCover::default();
                for rs in c.region_and_subregions.iter() {
                    cover
                        .subregions
                        .entry(rs.region)
                        .or_default()
                        .extend(rs.subregions.iter().copied());
                }
                (*c.country_only, cover)
            }
            // Unknown alternatives cover nothing we can name.
            _ => continue,
        };
        outer_has_area |= M49_AREAS.contains(&country);
        countries.entry(country).or_default().merge(cover);
    }

    let not_listed = if outer_has_area {
        Containment::Undecidable
    } else {
        Containment::Outside
    };
    all_of(inner.iter().map(|entry| {
        let country = match entry {
            IdentifiedRegion::CountryOnly(c) => **c,
            IdentifiedRegion::CountryAndRegions(c) => *c.country_only,
            IdentifiedRegion::CountryAndSubregions(c) => *c.country_only,
            _ => return Containment::Undecidable,
        };
        let Some(cover) = countries.get(&country) else {
            return not_listed;
        };
        if cover.whole {
            return Containment::Inside;
        }
        match entry {
            IdentifiedRegion::CountryOnly(_) => Containment::Undecidable,
            IdentifiedRegion::CountryAndRegions(c) => {
                all_of(c.regions.iter().map(|r| cover.region(*r)))
            }
            IdentifiedRegion::CountryAndSubregions(c) => {
                all_of(c.region_and_subregions.iter().map(|rs| {
                    if cover.regions.contains(&rs.region) {
                        return Containment::Inside;
                    }
                    match cover.subregions.get(&rs.region) {
                        Some(subs) => inside_if(rs.subregions.iter().all(|s| subs.contains(s))),
                        None => Containment::Outside,
                    }
                }))
            }
            _ => Containment::Undecidable,
        }
    }))
}

/// What an outer identified region covers of one country.
#[derive(Debug, Default)]
struct CountryCover {
    whole: bool,
    regions: BTreeSet<u8>,
    subregions: BTreeMap<u8, BTreeSet<u16>>,
}

impl CountryCover {
    fn whole() -> Self {
        Self {
            whole: true,
            ..Self::default()
        }
    }

    fn regions(regions: impl Iterator<Item = u8>) -> Self {
        Self {
            regions: regions.collect(),
            ..Self::default()
        }
    }

    fn merge(&mut self, other: Self) {
        self.whole |= other.whole;
        self.regions.extend(other.regions);
        for (region, subs) in other.subregions {
            self.subregions.entry(region).or_default().extend(subs);
        }
    }

    /// Whether a whole region is covered.
    fn region(&self, region: u8) -> Containment {
        if self.regions.contains(&region) {
            Containment::Inside
        } else if self.subregions.contains_key(&region) {
            Containment::Undecidable
        } else {
            Containment::Outside
        }
    }
}

fn inside_if(inside: bool) -> Containment {
    if inside {
        Containment::Inside
    } else {
        Containment::Outside
    }
}

/// Conjunction: `Outside` wins, then `Undecidable`.
fn all_of(answers: impl Iterator<Item = Containment>) -> Containment {
    let mut result = Containment::Inside;
    for answer in answers {
        match answer {
            Containment::Outside => return Containment::Outside,
            Containment::Undecidable => result = Containment::Undecidable,
            Containment::Inside => {}
        }
    }
    result
}

// ---------------------------------------------------------------------------------------
// Parsed shapes

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Point {
    lat: i64,
    lon: i64,
}

/// `None` for the "unavailable" values, an error when out of range.
fn classify(lat: i32, lon: i32) -> Result<Option<Point>, RegionError> {
    if lat == LAT_UNAVAILABLE || lon == LON_UNAVAILABLE {
        return Ok(None);
    }
    let (lat, lon) = (i64::from(lat), i64::from(lon));
    if !(-LAT_MAX..=LAT_MAX).contains(&lat) || !(LON_MIN..=LON_MAX).contains(&lon) {
        return Err(RegionError::CoordinateOutOfRange);
    }
    Ok(Some(Point { lat, lon }))
}

fn location(loc: &TwoDLocation) -> Result<Point, RegionError> {
    classify(**loc.latitude, **loc.longitude)?.ok_or(RegionError::UnavailableCoordinate)
}

/// Eastward angle from `from` to `lon`, in [0, 360°).
fn lon_offset(lon: i64, from: i64) -> i64 {
    (lon - from).rem_euclid(FULL_TURN)
}

/// Signed shortest angle from `from` to `lon`, in [-180°, 180°).
fn lon_delta(lon: i64, from: i64) -> i64 {
    (lon - from + HALF_TURN).rem_euclid(FULL_TURN) - HALF_TURN
}

fn to_radians(e7: i64) -> f64 {
    (e7 as f64 / E7).to_radians()
}

impl Point {
    fn distance_m(self, other: Point) -> f64 {
        let (lat1, lat2) = (to_radians(self.lat), to_radians(other.lat));
        let dlat = lat2 - lat1;
        let dlon = to_radians(lon_delta(other.lon, self.lon));
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_MEAN_RADIUS_M * a.sqrt().min(1.0).asin()
    }
}

enum Shape<'a> {
    Circle(Cap),
    Rects(Vec<Rect>),
    Polygon(Polygon),
    Identified(&'a SequenceOfIdentifiedRegion),
}

fn parse(region: &GeographicRegion) -> Result<Shape<'_>, RegionError> {
    match region {
        GeographicRegion::CircularRegion(c) => Ok(Shape::Circle(Cap {
            center: location(&c.center)?,
            radius_m: f64::from(c.radius),
        })),
        GeographicRegion::RectangularRegion(rects) => {
            check_len("rectangularRegion", rects.len(), MAX_RECTANGLES)?;
            rects
                .iter()
                .map(Rect::parse)
                .collect::<Result<_, _>>()
                .map(Shape::Rects)
        }
        GeographicRegion::PolygonalRegion(poly) => Polygon::parse(poly).map(Shape::Polygon),
        GeographicRegion::IdentifiedRegion(ids) => {
            check_identified(ids)?;
            Ok(Shape::Identified(ids))
        }
        _ => Err(RegionError::UnsupportedChoice),
    }
}

fn check_len(what: &'static str, count: usize, max: usize) -> Result<(), RegionError> {
    if count == 0 {
        Err(RegionError::EmptyList(what))
    } else if count > max {
        Err(RegionError::TooManyEntries { what, count, max })
    } else {
        Ok(())
    }
}

fn check_identified(ids: &SequenceOfIdentifiedRegion) -> Result<(), RegionError> {
    check_len("identifiedRegion", ids.len(), MAX_IDENTIFIED_REGIONS)?;
    for entry in ids.iter() {
        match entry {
            IdentifiedRegion::CountryOnly(_) => {}
            IdentifiedRegion::CountryAndRegions(c) => {
                check_len("regions", c.regions.len(), MAX_REGION_CODES)?;
            }
            IdentifiedRegion::CountryAndSubregions(c) => {
                let list = &c.region_and_subregions;
                check_len("regionAndSubregions", list.len(), MAX_REGION_CODES)?;
                for rs in list.iter() {
                    check_len("subregions", rs.subregions.len(), MAX_REGION_CODES)?;
                }
            }
            _ => return Err(RegionError::UnsupportedChoice),
        }
    }
    Ok(())
}

/// A circular region: a spherical cap.
#[derive(Debug, Clone, Copy)]
struct Cap {
    center: Point,
    radius_m: f64,
}

impl Cap {
    fn contains(&self, p: Point) -> bool {
        self.center.distance_m(p) <= self.radius_m + DISTANCE_TOLERANCE_M
    }

    /// On a parallel the distance to the centre grows with the longitude difference up to
    /// 180°, and on a meridian it has no interior maximum, so a rectangle is inside when its
    /// corners are and it does not reach the meridian opposite the centre.
    fn contains_rect(&self, r: &Rect) -> bool {
        r.corners().iter().all(|c| self.contains(*c))
            && lon_offset(self.center.lon + HALF_TURN, r.west) > r.width
    }

    /// Latitude/longitude bounding box, rounded outwards; `None` if the cap reaches a pole.
    fn bounding_box(&self) -> Option<Rect> {
        let delta = self.radius_m / EARTH_MEAN_RADIUS_M;
        let lat0 = to_radians(self.center.lat);
        let (north, south) = (lat0 + delta, lat0 - delta);
        if north >= FRAC_PI_2 || south <= -FRAC_PI_2 {
            return None;
        }
        let dlon = (delta.sin() / lat0.cos()).min(1.0).asin();
        let lon0 = self.center.lon as f64 / E7;
        let e7 = |rad: f64| rad.to_degrees() * E7;
        let west = (lon0 * E7 - e7(dlon)).floor() as i64;
        let east = (lon0 * E7 + e7(dlon)).ceil() as i64;
        Some(Rect {
            south: e7(south).floor() as i64,
            north: e7(north).ceil() as i64,
            west,
            width: east - west,
        })
    }

    /// Points of the cap on its bounding box (and the centre): where it is widest.
    fn extreme_points(&self) -> Vec<Point> {
        let delta = self.radius_m / EARTH_MEAN_RADIUS_M;
        let lat0 = to_radians(self.center.lat);
        let deg_e7 = |rad: f64| (rad.to_degrees() * E7).round() as i64;
        let mut points = vec![
            self.center,
            Point {
                lat: deg_e7(lat0 + delta),
                lon: self.center.lon,
            },
            Point {
                lat: deg_e7(lat0 - delta),
                lon: self.center.lon,
            },
        ];
        if lat0.cos() > delta.sin() {
            let dlon = deg_e7((delta.sin() / lat0.cos()).min(1.0).asin());
            let lat_t = deg_e7((lat0.sin() / delta.cos()).clamp(-1.0, 1.0).asin());
            for lon in [self.center.lon - dlon, self.center.lon + dlon] {
                points.push(Point { lat: lat_t, lon });
            }
        }
        // Rounding may have put a point just outside the cap: keep only true members.
        points.retain(|p| p.lat.abs() <= LAT_MAX && self.center.distance_m(*p) <= self.radius_m);
        points
    }
}

/// A rectangle: latitudes [south, north], longitudes from `west` eastwards over `width`.
#[derive(Debug, Clone, Copy)]
struct Rect {
    south: i64,
    north: i64,
    west: i64,
    width: i64,
}

impl Rect {
    fn parse(r: &RectangularRegion) -> Result<Self, RegionError> {
        let nw = location(&r.north_west)?;
        let se = location(&r.south_east)?;
        if nw.lat < se.lat {
            return Err(RegionError::RectangleInverted);
        }
        let width = lon_offset(se.lon, nw.lon);
        if nw.lat == se.lat || width == 0 {
            return Err(RegionError::RectangleDegenerate);
        }
        Ok(Self {
            south: se.lat,
            north: nw.lat,
            west: nw.lon,
            width,
        })
    }

    fn contains(&self, p: Point) -> bool {
        (self.south..=self.north).contains(&p.lat) && lon_offset(p.lon, self.west) <= self.width
    }

    fn corners(&self) -> [Point; 4] {
        let east = self.west + self.width;
        [
            Point {
                lat: self.north,
                lon: self.west,
            },
            Point {
                lat: self.north,
                lon: east,
            },
            Point {
                lat: self.south,
                lon: east,
            },
            Point {
                lat: self.south,
                lon: self.west,
            },
        ]
    }

    /// The rectangle as a planar ring, longitudes unwrapped about `reference`.
    fn as_planar(&self, reference: i64) -> Vec<(f64, f64)> {
        let west = (reference + lon_delta(self.west, reference)) as f64;
        let east = west + self.width as f64;
        let (north, south) = (self.north as f64, self.south as f64);
        vec![(west, north), (east, north), (east, south), (west, south)]
    }
}

/// Whether the union of `outers` covers `inner`. Outer rectangles are cut to `inner`'s
/// frame and the grid of their edges is checked cell by cell; cells not covered are open
/// sets of points outside every outer rectangle, so the answer is exact.
fn rect_covered(inner: &Rect, outers: &[Rect]) -> bool {
    // (south, north, lon_lo, lon_hi) with longitudes as offsets east of inner.west.
    let mut pieces: Vec<(i64, i64, i64, i64)> = Vec::new();
    for o in outers {
        let (south, north) = (inner.south.max(o.south), inner.north.min(o.north));
        if south > north {
            continue;
        }
        let start = lon_offset(o.west, inner.west);
        for begin in [start, start - FULL_TURN] {
            let (lo, hi) = (begin.max(0), (begin + o.width).min(inner.width));
            if lo <= hi {
                pieces.push((south, north, lo, hi));
            }
        }
    }
    let mut lats = vec![inner.south, inner.north];
    let mut lons = vec![0, inner.width];
    for &(s, n, lo, hi) in &pieces {
        lats.extend([s, n]);
        lons.extend([lo, hi]);
    }
    for v in [&mut lats, &mut lons] {
        v.sort_unstable();
        v.dedup();
    }
    lats.windows(2).all(|lat| {
        lons.windows(2).all(|lon| {
            // Cell midpoints, doubled to stay in integers.
            let (mlat, mlon) = (lat.iter().sum::<i64>(), lon.iter().sum::<i64>());
            pieces.iter().any(|&(s, n, lo, hi)| {
                2 * s <= mlat && mlat <= 2 * n && 2 * lo <= mlon && mlon <= 2 * hi
            })
        })
    })
}

fn cap_in_rects(cap: &Cap, rects: &[Rect]) -> Containment {
    if let Some(bbox) = cap.bounding_box() {
        if rect_covered(&bbox, rects) {
            return Containment::Inside;
        }
        if rects.len() == 1 {
            // The cap touches all four sides of its bounding box.
            return Containment::Outside;
        }
    }
    let escapes = cap
        .extreme_points()
        .iter()
        .any(|p| !rects.iter().any(|r| r.contains(*p)));
    if escapes || rects.len() == 1 {
        Containment::Outside
    } else {
        Containment::Undecidable
    }
}

/// A polygon with longitudes unwrapped about its first vertex (`reference`).
#[derive(Debug, Clone)]
struct Polygon {
    reference: i64,
    points: Vec<Point>,
    planar: Vec<(f64, f64)>,
}

impl Polygon {
    fn parse(poly: &[TwoDLocation]) -> Result<Self, RegionError> {
        if poly.len() < 3 {
            return Err(RegionError::PolygonTooFewVertices);
        }
        check_len("polygonalRegion", poly.len(), MAX_POLYGON_VERTICES)?;
        let raw = poly.iter().map(location).collect::<Result<Vec<_>, _>>()?;
        let reference = raw.first().map_or(0, |p| p.lon);
        let points: Vec<Point> = raw
            .iter()
            .map(|p| Point {
                lat: p.lat,
                lon: reference + lon_delta(p.lon, reference),
            })
            .collect();
        let (min, max) = points.iter().fold((i64::MAX, i64::MIN), |(lo, hi), p| {
            (lo.min(p.lon), hi.max(p.lon))
        });
        if max - min >= HALF_TURN {
            return Err(RegionError::PolygonTooWide);
        }
        let planar: Vec<(f64, f64)> = points
            .iter()
            .map(|p| (p.lon as f64, p.lat as f64))
            .collect();
        check_simple(&planar)?;
        Ok(Self {
            reference,
            points,
            planar,
        })
    }

    fn vertices(&self) -> impl Iterator<Item = Point> + '_ {
        self.points.iter().copied()
    }

    fn unwrap_lon(&self, lon: i64) -> i64 {
        self.reference + lon_delta(lon, self.reference)
    }

    fn contains(&self, p: Point) -> bool {
        planar_contains(&self.planar, (self.unwrap_lon(p.lon) as f64, p.lat as f64))
    }

    /// This polygon's ring with longitudes unwrapped about another reference.
    fn planar_about(&self, reference: i64) -> Vec<(f64, f64)> {
        let shift = lon_delta(self.reference, reference) + reference - self.reference;
        self.planar
            .iter()
            .map(|&(x, y)| (x + shift as f64, y))
            .collect()
    }
}

type P2 = (f64, f64);

fn sides(ring: &[P2]) -> impl Iterator<Item = (P2, P2)> + '_ {
    ring.iter()
        .copied()
        .zip(ring.iter().copied().cycle().skip(1))
}

fn sub(a: P2, b: P2) -> P2 {
    (a.0 - b.0, a.1 - b.1)
}

fn cross(a: P2, b: P2) -> f64 {
    a.0 * b.1 - a.1 * b.0
}

fn dot(a: P2, b: P2) -> f64 {
    a.0 * b.0 + a.1 * b.1
}

/// Squared distance from `p` to the segment `a`–`b`.
fn segment_distance2(p: P2, a: P2, b: P2) -> f64 {
    let ab = sub(b, a);
    let len2 = dot(ab, ab);
    let t = if len2 > 0.0 {
        (dot(sub(p, a), ab) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let d = sub(p, (a.0 + t * ab.0, a.1 + t * ab.1));
    dot(d, d)
}

/// Planar point in closed polygon: on a side counts as inside, else even-odd ray casting.
fn planar_contains(ring: &[P2], p: P2) -> bool {
    let tolerance2 = PLANAR_TOLERANCE * PLANAR_TOLERANCE;
    let mut inside = false;
    for (a, b) in sides(ring) {
        if segment_distance2(p, a, b) <= tolerance2 {
            return true;
        }
        if (a.1 > p.1) != (b.1 > p.1) {
            let x = a.0 + (p.1 - a.1) * (b.0 - a.0) / (b.1 - a.1);
            if p.0 < x {
                inside = !inside;
            }
        }
    }
    inside
}

/// Parameters along `a`–`b` where it meets `c`–`d` (both ends of a collinear overlap).
fn meeting_params(a: P2, b: P2, c: P2, d: P2, out: &mut Vec<f64>) {
    let (r, s, ca) = (sub(b, a), sub(d, c), sub(c, a));
    let denom = cross(r, s);
    if denom != 0.0 {
        let (t, u) = (cross(ca, s) / denom, cross(ca, r) / denom);
        if (0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u) {
            out.push(t);
        }
    } else if cross(ca, r) == 0.0 {
        let rr = dot(r, r);
        if rr > 0.0 {
            let (tc, td) = (dot(ca, r) / rr, dot(sub(d, a), r) / rr);
            let (lo, hi) = (tc.min(td).max(0.0), tc.max(td).min(1.0));
            if lo <= hi {
                out.extend([lo, hi]);
            }
        }
    }
}

/// 1609.2: a valid polygon has distinct consecutive vertices and no intersecting sides.
fn check_simple(ring: &[P2]) -> Result<(), RegionError> {
    let all: Vec<(P2, P2)> = sides(ring).collect();
    if all.iter().any(|(a, b)| a == b) {
        return Err(RegionError::PolygonRepeatedVertex);
    }
    let n = all.len();
    for (i, &(a, b)) in all.iter().enumerate() {
        for (j, &(c, d)) in all.iter().enumerate().skip(i + 1) {
            let mut params = Vec::new();
            meeting_params(a, b, c, d, &mut params);
            let adjacent = j == i + 1 || (i == 0 && j == n - 1);
            let clash = if adjacent {
                // Neighbours share one vertex; folding back onto each other is an overlap.
                cross(sub(b, a), sub(d, c)) == 0.0 && dot(sub(b, a), sub(d, c)) < 0.0
            } else {
                !params.is_empty()
            };
            if clash {
                return Err(RegionError::PolygonSelfIntersecting);
            }
        }
    }
    Ok(())
}

/// Planar: `inner` inside the closed `outer`. Each inner side is cut wherever it meets the
/// outer boundary; between cuts a piece is entirely inside or entirely outside, so testing
/// the vertices and each piece's midpoint is exact, convex or not.
fn polygon_in_polygon(inner: &[P2], outer: &[P2]) -> Containment {
    if !inner.iter().all(|&v| planar_contains(outer, v)) {
        return Containment::Outside;
    }
    for (a, b) in sides(inner) {
        let mut cuts = vec![0.0, 1.0];
        for (c, d) in sides(outer) {
            meeting_params(a, b, c, d, &mut cuts);
        }
        cuts.sort_by(f64::total_cmp);
        for pair in cuts.windows(2) {
            if let [t0, t1] = pair {
                let t = (t0 + t1) / 2.0;
                let mid = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
                if !planar_contains(outer, mid) {
                    return Containment::Outside;
                }
            }
        }
    }
    Containment::Inside
}

fn polygon_in_rects(poly: &Polygon, rects: &[Rect]) -> Containment {
    // Offsets east of each rectangle's west side, kept continuous along the polygon so a
    // side cannot silently wrap around the far side of a wide rectangle.
    let in_rect = |r: &Rect| {
        let base = lon_offset(poly.reference, r.west);
        poly.vertices().all(|v| {
            let offset = base + (v.lon - poly.reference);
            (r.south..=r.north).contains(&v.lat) && (0..=r.width).contains(&offset)
        })
    };
    if rects.iter().any(in_rect) {
        return Containment::Inside;
    }
    let escapes = poly
        .vertices()
        .any(|v| !rects.iter().any(|r| r.contains(v)));
    if escapes || rects.len() == 1 {
        Containment::Outside
    } else {
        Containment::Undecidable
    }
}

/// Planar in a local equirectangular projection about the circle's centre: the centre is
/// inside and every side keeps the radius (with margin) away.
fn cap_in_polygon(cap: &Cap, poly: &Polygon) -> Containment {
    let center_lon = poly.unwrap_lon(cap.center.lon);
    if !planar_contains(&poly.planar, (center_lon as f64, cap.center.lat as f64)) {
        return Containment::Outside;
    }
    let lat0 = to_radians(cap.center.lat);
    let metres_per_e7 = (1.0 / E7).to_radians() * EARTH_MEAN_RADIUS_M;
    let to_local = |&(x, y): &P2| {
        (
            (x - center_lon as f64) * metres_per_e7 * lat0.cos(),
            (y - cap.center.lat as f64) * metres_per_e7,
        )
    };
    let local: Vec<P2> = poly.planar.iter().map(to_local).collect();
    let nearest = sides(&local)
        .map(|(a, b)| segment_distance2((0.0, 0.0), a, b).sqrt())
        .fold(f64::INFINITY, f64::min);
    let r = cap.radius_m;
    if nearest >= r * 1.001 + 1.0 {
        Containment::Inside
    } else if nearest < r * 0.999 - 1.0 {
        Containment::Outside
    } else {
        Containment::Undecidable
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::Containment::{Inside, Outside, Undecidable};
    use super::*;
    use rasn_its::ieee1609dot2::base_types::{
        CircularRegion, CountryAndRegions, CountryAndSubregions, Latitude, Longitude,
        NinetyDegreeInt, OneEightyDegreeInt, PolygonalRegion, RegionAndSubregions,
        SequenceOfRectangularRegion, SequenceOfRegionAndSubregions, SequenceOfUint8,
        SequenceOfUint16, UnCountryId,
    };

    fn e7(deg: f64) -> i32 {
        (deg * 1e7).round() as i32
    }

    fn loc(lat: f64, lon: f64) -> TwoDLocation {
        loc_e7(e7(lat), e7(lon))
    }

    fn loc_e7(lat: i32, lon: i32) -> TwoDLocation {
        TwoDLocation {
            latitude: Latitude(NinetyDegreeInt::from(lat)),
            longitude: Longitude(OneEightyDegreeInt(lon)),
        }
    }

    fn circle(lat: f64, lon: f64, radius: u16) -> GeographicRegion {
        GeographicRegion::CircularRegion(CircularRegion {
            center: loc(lat, lon),
            radius,
        })
    }

    /// Rectangles as (north, west, south, east) in degrees.
    fn rects(list: &[(f64, f64, f64, f64)]) -> GeographicRegion {
        GeographicRegion::RectangularRegion(SequenceOfRectangularRegion(
            list.iter()
                .map(|&(n, w, s, e)| RectangularRegion {
                    north_west: loc(n, w),
                    south_east: loc(s, e),
                })
                .collect(),
        ))
    }

    /// Polygon vertices as (lat, lon) in degrees.
    fn polygon(list: &[(f64, f64)]) -> GeographicRegion {
        GeographicRegion::PolygonalRegion(PolygonalRegion(
            list.iter().map(|&(lat, lon)| loc(lat, lon)).collect(),
        ))
    }

    fn country(c: u16) -> IdentifiedRegion {
        IdentifiedRegion::CountryOnly(UnCountryId(c))
    }

    fn regions(c: u16, list: &[u8]) -> IdentifiedRegion {
        IdentifiedRegion::CountryAndRegions(CountryAndRegions {
            country_only: UnCountryId(c),
            regions: SequenceOfUint8(list.to_vec()),
        })
    }

    fn subregions(c: u16, list: &[(u8, &[u16])]) -> IdentifiedRegion {
        IdentifiedRegion::CountryAndSubregions(CountryAndSubregions {
            country_only: UnCountryId(c),
            region_and_subregions: SequenceOfRegionAndSubregions(
                list.iter()
                    .map(|&(region, subs)| RegionAndSubregions {
                        region,
                        subregions: SequenceOfUint16(subs.to_vec()),
                    })
                    .collect(),
            ),
        })
    }

    fn identified(list: Vec<IdentifiedRegion>) -> GeographicRegion {
        GeographicRegion::IdentifiedRegion(SequenceOfIdentifiedRegion(list))
    }

    const FRANCE: u16 = 250;
    const GERMANY: u16 = 276;
    const USA: u16 = 840;
    const EUROPE: u16 = 150;

    /// The region of the ETSI test certificates: Sophia-Antipolis.
    fn sophia_rect() -> GeographicRegion {
        rects(&[(43.6618, 7.0084, 43.5687, 7.0982)])
    }

    const SOPHIA: (f64, f64) = (43.6163, 7.0553);
    const PARIS: (f64, f64) = (48.8566, 2.3522);

    /// A U open to the north, in (lat, lon): arms at lon 0–4 and 6–10, base at lat 0–4.
    fn u_shape() -> GeographicRegion {
        polygon(&[
            (0.0, 0.0),
            (0.0, 10.0),
            (10.0, 10.0),
            (10.0, 6.0),
            (4.0, 6.0),
            (4.0, 4.0),
            (10.0, 4.0),
            (10.0, 0.0),
        ])
    }

    fn point_in(region: &GeographicRegion, (lat, lon): (f64, f64)) -> Containment {
        contains_point(region, e7(lat), e7(lon)).unwrap()
    }

    #[test]
    fn points_in_regions() {
        let cases: Vec<(&str, GeographicRegion, (f64, f64), Containment)> = vec![
            ("Sophia in its rectangle", sophia_rect(), SOPHIA, Inside),
            ("Paris not in Sophia", sophia_rect(), PARIS, Outside),
            ("NW corner", sophia_rect(), (43.6618, 7.0084), Inside),
            ("SE corner", sophia_rect(), (43.5687, 7.0982), Inside),
            ("just north", sophia_rect(), (43.6618001, 7.05), Outside),
            ("just east", sophia_rect(), (43.6, 7.0982001), Outside),
            (
                "second rectangle",
                rects(&[(1.0, 0.0, 0.0, 1.0), (11.0, 10.0, 10.0, 11.0)]),
                (10.5, 10.5),
                Inside,
            ),
            (
                "between rectangles",
                rects(&[(1.0, 0.0, 0.0, 1.0), (11.0, 10.0, 10.0, 11.0)]),
                (5.0, 5.0),
                Outside,
            ),
            // Antimeridian: west 170°E, east 170°W covers 170..180 and -180..-170.
            (
                "antimeridian 180",
                rects(&[(10.0, 170.0, -10.0, -170.0)]),
                (0.0, 180.0),
                Inside,
            ),
            (
                "antimeridian west side",
                rects(&[(10.0, 170.0, -10.0, -170.0)]),
                (0.0, 175.0),
                Inside,
            ),
            (
                "antimeridian east side",
                rects(&[(10.0, 170.0, -10.0, -170.0)]),
                (0.0, -175.0),
                Inside,
            ),
            (
                "antimeridian far",
                rects(&[(10.0, 170.0, -10.0, -170.0)]),
                (0.0, 0.0),
                Outside,
            ),
            (
                "antimeridian near",
                rects(&[(10.0, 170.0, -10.0, -170.0)]),
                (0.0, 160.0),
                Outside,
            ),
            // 0.001° of latitude is 111.195 m on the mean sphere.
            (
                "111.2 m vs radius 112",
                circle(SOPHIA.0, SOPHIA.1, 112),
                (43.6173, 7.0553),
                Inside,
            ),
            (
                "111.2 m vs radius 111",
                circle(SOPHIA.0, SOPHIA.1, 111),
                (43.6173, 7.0553),
                Outside,
            ),
            ("centre", circle(SOPHIA.0, SOPHIA.1, 0), SOPHIA, Inside),
            (
                "0.5° at the equator",
                circle(0.0, 0.0, 65535),
                (0.5, 0.0),
                Inside,
            ),
            (
                "0.6° at the equator",
                circle(0.0, 0.0, 65535),
                (0.0, 0.6),
                Outside,
            ),
            (
                "circle over the antimeridian",
                circle(0.0, 179.9999, 30),
                (0.0, -179.9999),
                Inside,
            ),
            ("U base", u_shape(), (2.0, 5.0), Inside),
            ("U arm", u_shape(), (8.0, 2.0), Inside),
            ("U notch", u_shape(), (8.0, 5.0), Outside),
            ("U notch edge", u_shape(), (4.0, 5.0), Inside),
            ("U vertex", u_shape(), (10.0, 10.0), Inside),
            ("U outside", u_shape(), (-1.0, 5.0), Outside),
            (
                "polygon over the antimeridian",
                polygon(&[
                    (10.0, 175.0),
                    (10.0, -175.0),
                    (-10.0, -175.0),
                    (-10.0, 175.0),
                ]),
                (0.0, 180.0),
                Inside,
            ),
            (
                "polygon over the antimeridian, far",
                polygon(&[
                    (10.0, 175.0),
                    (10.0, -175.0),
                    (-10.0, -175.0),
                    (-10.0, 175.0),
                ]),
                (0.0, 0.0),
                Outside,
            ),
            (
                "identified",
                identified(vec![country(FRANCE)]),
                SOPHIA,
                Undecidable,
            ),
        ];
        for (name, region, point, expected) in cases {
            assert_eq!(point_in(&region, point), expected, "{name}");
        }
    }

    #[test]
    fn unavailable_and_out_of_range_positions() {
        let region = sophia_rect();
        assert_eq!(
            contains_point(&region, 900_000_001, e7(7.05)),
            Ok(Undecidable)
        );
        assert_eq!(
            contains_point(&region, e7(43.6), 1_800_000_001),
            Ok(Undecidable)
        );
        assert_eq!(
            contains_point(&region, 900_000_002, 0),
            Err(RegionError::CoordinateOutOfRange)
        );
        assert_eq!(
            contains_point(&region, 0, -1_800_000_000),
            Err(RegionError::CoordinateOutOfRange)
        );
    }

    #[test]
    fn malformed_regions_are_errors() {
        let too_many = rects(&vec![(1.0, 0.0, 0.0, 1.0); MAX_RECTANGLES + 1]);
        let cases: Vec<(&str, GeographicRegion, RegionError)> = vec![
            (
                "inverted",
                rects(&[(0.0, 0.0, 1.0, 1.0)]),
                RegionError::RectangleInverted,
            ),
            (
                "flat",
                rects(&[(1.0, 0.0, 1.0, 1.0)]),
                RegionError::RectangleDegenerate,
            ),
            (
                "thin",
                rects(&[(1.0, 1.0, 0.0, 1.0)]),
                RegionError::RectangleDegenerate,
            ),
            (
                "empty rectangles",
                rects(&[]),
                RegionError::EmptyList("rectangularRegion"),
            ),
            (
                "too many rectangles",
                too_many,
                RegionError::TooManyEntries {
                    what: "rectangularRegion",
                    count: MAX_RECTANGLES + 1,
                    max: MAX_RECTANGLES,
                },
            ),
            (
                "unavailable centre",
                GeographicRegion::CircularRegion(CircularRegion {
                    center: loc_e7(900_000_001, 0),
                    radius: 10,
                }),
                RegionError::UnavailableCoordinate,
            ),
            (
                "two-vertex polygon",
                polygon(&[(0.0, 0.0), (1.0, 1.0)]),
                RegionError::PolygonTooFewVertices,
            ),
            (
                "repeated vertex",
                polygon(&[(0.0, 0.0), (1.0, 1.0), (1.0, 1.0), (0.0, 1.0)]),
                RegionError::PolygonRepeatedVertex,
            ),
            (
                "bow tie",
                polygon(&[(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)]),
                RegionError::PolygonSelfIntersecting,
            ),
            (
                "folded back",
                polygon(&[(0.0, 0.0), (0.0, 2.0), (0.0, 1.0), (1.0, 1.0)]),
                RegionError::PolygonSelfIntersecting,
            ),
            (
                "half the world",
                polygon(&[(0.0, -90.0), (0.0, 90.0), (10.0, 0.0)]),
                RegionError::PolygonTooWide,
            ),
            (
                "empty identified",
                identified(vec![]),
                RegionError::EmptyList("identifiedRegion"),
            ),
            (
                "no regions",
                identified(vec![regions(USA, &[])]),
                RegionError::EmptyList("regions"),
            ),
            (
                "no subregions",
                identified(vec![subregions(USA, &[(6, &[])])]),
                RegionError::EmptyList("subregions"),
            ),
        ];
        for (name, region, error) in cases {
            assert_eq!(validate(&region), Err(error.clone()), "{name}");
            assert_eq!(contains_point(&region, 0, 0), Err(error.clone()), "{name}");
            assert_eq!(
                region_within(&region, &sophia_rect()),
                Err(error.clone()),
                "{name}"
            );
            assert_eq!(region_within(&sophia_rect(), &region), Err(error), "{name}");
        }
        // Three collinear vertices in the same direction are a redundant vertex, not a fold.
        let straight = polygon(&[(0.0, 0.0), (0.0, 1.0), (0.0, 2.0), (1.0, 1.0)]);
        assert_eq!(validate(&straight), Ok(()));
    }

    fn within(inner: &GeographicRegion, outer: &GeographicRegion) -> Containment {
        region_within(inner, outer).unwrap()
    }

    #[test]
    fn circles_in_circles() {
        let outer = circle(SOPHIA.0, SOPHIA.1, 211);
        let cases = [
            ("equal", circle(SOPHIA.0, SOPHIA.1, 211), Inside),
            ("concentric smaller", circle(SOPHIA.0, SOPHIA.1, 10), Inside),
            (
                "concentric larger",
                circle(SOPHIA.0, SOPHIA.1, 212),
                Outside,
            ),
            // Centres 111.195 m apart: 111.195 + 99 ≤ 211, 111.195 + 100 > 211.
            ("offset, fits", circle(43.6173, SOPHIA.1, 99), Inside),
            (
                "offset, pokes out by 0.2 m",
                circle(43.6173, SOPHIA.1, 100),
                Outside,
            ),
            ("disjoint", circle(43.63, SOPHIA.1, 10), Outside),
        ];
        for (name, inner, expected) in cases {
            assert_eq!(within(&inner, &outer), expected, "{name}");
        }
        // Internally touching: inner radius = outer radius - centre distance, exactly.
        let outer = circle(0.0, 0.0, 1000);
        let d = Point { lat: 0, lon: 0 }.distance_m(Point {
            lat: 10_000,
            lon: 0,
        });
        let touching = (1000.0 - d).floor() as u16;
        assert_eq!(within(&circle(0.001, 0.0, touching), &outer), Inside);
        assert_eq!(within(&circle(0.001, 0.0, touching + 1), &outer), Outside);
    }

    #[test]
    fn rectangles_and_polygons_in_circles() {
        let outer = circle(0.0, 0.0, 2000);
        // 0.01° ≈ 1112 m; the corners of a ±0.01° square are 1572 m out.
        let cases = [
            (
                "square inside",
                rects(&[(0.01, -0.01, -0.01, 0.01)]),
                Inside,
            ),
            (
                "square corner out",
                rects(&[(0.015, -0.015, -0.015, 0.015)]),
                Outside,
            ),
            (
                "one of two out",
                rects(&[(0.01, -0.01, -0.01, 0.01), (0.05, 0.04, 0.03, 0.05)]),
                Outside,
            ),
            // Corners near the centre, but it goes the long way round the globe.
            (
                "long way round",
                rects(&[(0.01, 0.001, -0.01, -0.001)]),
                Outside,
            ),
            (
                "triangle inside",
                polygon(&[(0.0, 0.0), (0.01, 0.01), (-0.01, 0.01)]),
                Inside,
            ),
            (
                "triangle vertex out",
                polygon(&[(0.0, 0.0), (0.01, 0.01), (-0.02, 0.01)]),
                Outside,
            ),
        ];
        for (name, inner, expected) in cases {
            assert_eq!(within(&inner, &outer), expected, "{name}");
        }
    }

    #[test]
    fn circles_in_rectangles() {
        // From Sophia, the rectangle's sides are ≈5.06 km N, 5.30 km S, 3.78 km W, 3.45 km E.
        let cases = [
            (
                "3 km",
                sophia_rect(),
                circle(SOPHIA.0, SOPHIA.1, 3000),
                Inside,
            ),
            (
                "3.5 km crosses the east side",
                sophia_rect(),
                circle(SOPHIA.0, SOPHIA.1, 3500),
                Outside,
            ),
            (
                "Paris",
                sophia_rect(),
                circle(PARIS.0, PARIS.1, 10),
                Outside,
            ),
            (
                "split over two touching rectangles",
                rects(&[(43.7, 7.0, 43.5, 7.0553), (43.7, 7.0553, 43.5, 7.1)]),
                circle(SOPHIA.0, SOPHIA.1, 3000),
                Inside,
            ),
            (
                "gap along the centre meridian",
                rects(&[(43.7, 7.0, 43.5, 7.05), (43.7, 7.06, 43.5, 7.1)]),
                circle(SOPHIA.0, SOPHIA.1, 3000),
                Outside,
            ),
            // An L of two rectangles: the north-east quarter of the bounding box is missing
            // but every extreme point is covered, which this module does not resolve.
            (
                "L-shaped union",
                rects(&[(43.7, 7.0, 43.5, 7.06), (43.62, 7.0, 43.5, 7.1)]),
                circle(SOPHIA.0, SOPHIA.1, 3000),
                Undecidable,
            ),
            (
                "over the antimeridian",
                rects(&[(10.0, 170.0, -10.0, -170.0)]),
                circle(0.0, 180.0, 50_000),
                Inside,
            ),
            (
                "polar cap",
                rects(&[(90.0, -179.0, 80.0, 179.0)]),
                circle(89.9999, 0.0, 1000),
                Outside,
            ),
        ];
        for (name, outer, inner, expected) in cases {
            assert_eq!(within(&inner, &outer), expected, "{name}");
        }
    }

    #[test]
    fn rectangles_in_rectangles() {
        let cases = [
            ("same", sophia_rect(), sophia_rect(), Inside),
            (
                "Sophia in France",
                sophia_rect(),
                rects(&[(51.1, -5.2, 42.3, 8.3)]),
                Inside,
            ),
            (
                "France in Sophia",
                rects(&[(51.1, -5.2, 42.3, 8.3)]),
                sophia_rect(),
                Outside,
            ),
            (
                "covered by two touching",
                rects(&[(2.0, 0.0, 0.0, 2.0)]),
                rects(&[(2.0, 0.0, 0.0, 1.0), (2.0, 1.0, 0.0, 2.0)]),
                Inside,
            ),
            (
                "covered by four overlapping",
                rects(&[(2.0, 0.0, 0.0, 2.0)]),
                rects(&[
                    (2.0, 0.0, 0.9, 1.1),
                    (2.0, 0.9, 0.9, 2.0),
                    (1.1, 0.0, 0.0, 1.1),
                    (1.1, 0.9, 0.0, 2.0),
                ]),
                Inside,
            ),
            (
                "hole in the middle",
                rects(&[(2.0, 0.0, 0.0, 2.0)]),
                rects(&[
                    (2.0, 0.0, 1.1, 2.0),
                    (0.9, 0.0, 0.0, 2.0),
                    (2.0, 0.0, 0.0, 0.9),
                    (2.0, 1.1, 0.0, 2.0),
                ]),
                Outside,
            ),
            (
                "one of two inner out",
                rects(&[(1.0, 0.0, 0.0, 1.0), (5.0, 4.0, 4.0, 5.0)]),
                rects(&[(2.0, 0.0, 0.0, 2.0)]),
                Outside,
            ),
            (
                "antimeridian in antimeridian",
                rects(&[(5.0, 175.0, -5.0, -175.0)]),
                rects(&[(10.0, 170.0, -10.0, -170.0)]),
                Inside,
            ),
            (
                "east of 180 in antimeridian",
                rects(&[(5.0, -179.0, -5.0, -171.0)]),
                rects(&[(10.0, 170.0, -10.0, -170.0)]),
                Inside,
            ),
            (
                "antimeridian in non-crossing",
                rects(&[(5.0, 175.0, -5.0, -175.0)]),
                rects(&[(10.0, 160.0, -10.0, 179.0)]),
                Outside,
            ),
            (
                "1e-7° gap east of 180",
                rects(&[(5.0, 175.0, -5.0, -175.0)]),
                rects(&[
                    (10.0, 160.0, -10.0, 180.0),
                    (10.0, -179.9999999, -10.0, -160.0),
                ]),
                Outside,
            ),
            (
                "antimeridian covered by both sides",
                rects(&[(5.0, 175.0, -5.0, -175.0)]),
                rects(&[(10.0, 160.0, -10.0, 180.0), (10.0, 180.0, -10.0, -160.0)]),
                Inside,
            ),
        ];
        for (name, inner, outer, expected) in cases {
            assert_eq!(within(&inner, &outer), expected, "{name}");
        }
    }

    #[test]
    fn polygons_in_rectangles() {
        let cases = [
            (
                "inside one",
                polygon(&[(0.1, 0.1), (0.9, 0.5), (0.1, 0.9)]),
                Inside,
            ),
            (
                "vertex out",
                polygon(&[(0.1, 0.1), (3.0, 0.5), (0.1, 0.9)]),
                Outside,
            ),
            (
                "spread over both",
                polygon(&[(0.1, 0.1), (0.5, 1.5), (0.9, 0.1)]),
                Undecidable,
            ),
        ];
        let outer = rects(&[(1.0, 0.0, 0.0, 1.0), (1.0, 1.0, 0.0, 2.0)]);
        for (name, inner, expected) in cases {
            assert_eq!(within(&inner, &outer), expected, "{name}");
        }
    }

    #[test]
    fn shapes_in_polygons() {
        let square = polygon(&[
            (43.6063, 7.0453),
            (43.6063, 7.0653),
            (43.6263, 7.0653),
            (43.6263, 7.0453),
        ]);
        let cases = [
            // U-shaped outer: non-convex.
            (
                "rect in the base",
                rects(&[(3.0, 1.0, 1.0, 9.0)]),
                u_shape(),
                Inside,
            ),
            (
                "rect filling the base",
                rects(&[(4.0, 0.0, 0.0, 10.0)]),
                u_shape(),
                Inside,
            ),
            (
                "rect in an arm",
                rects(&[(9.0, 1.0, 5.0, 3.0)]),
                u_shape(),
                Inside,
            ),
            // All four corners are in the arms, the sides cross the notch.
            (
                "rect across the notch",
                rects(&[(6.0, 1.0, 5.0, 9.0)]),
                u_shape(),
                Outside,
            ),
            (
                "wide rect",
                rects(&[(1.0, -100.0, 0.0, 100.0)]),
                u_shape(),
                Outside,
            ),
            ("same polygon", u_shape(), u_shape(), Inside),
            (
                "triangle across the notch",
                polygon(&[(8.0, 1.0), (8.0, 9.0), (9.0, 9.0)]),
                u_shape(),
                Outside,
            ),
            (
                "triangle with a vertex in the notch",
                polygon(&[(1.0, 1.0), (8.0, 5.0), (1.0, 9.0)]),
                u_shape(),
                Outside,
            ),
            (
                "triangle along the notch bottom",
                polygon(&[(4.0, 4.0), (4.0, 6.0), (1.0, 5.0)]),
                u_shape(),
                Inside,
            ),
            (
                "U in its bounding rectangle",
                u_shape(),
                rects(&[(10.0, 0.0, 0.0, 10.0)]),
                Inside,
            ),
            // ±0.01° square around Sophia: sides 1112 m N/S and ≈805 m E/W away.
            (
                "circle 500 m",
                circle(SOPHIA.0, SOPHIA.1, 500),
                square.clone(),
                Inside,
            ),
            (
                "circle 900 m",
                circle(SOPHIA.0, SOPHIA.1, 900),
                square.clone(),
                Outside,
            ),
            (
                "circle at the margin",
                circle(SOPHIA.0, SOPHIA.1, 805),
                square.clone(),
                Undecidable,
            ),
            (
                "centre outside",
                circle(PARIS.0, PARIS.1, 10),
                square.clone(),
                Outside,
            ),
            (
                "square in 2 km circle",
                square.clone(),
                circle(SOPHIA.0, SOPHIA.1, 2000),
                Inside,
            ),
            (
                "square in 1 km circle",
                square,
                circle(SOPHIA.0, SOPHIA.1, 1000),
                Outside,
            ),
        ];
        for (name, inner, outer, expected) in cases {
            assert_eq!(within(&inner, &outer), expected, "{name}");
        }
    }

    #[test]
    fn identified_regions() {
        let cases: Vec<(
            &str,
            Vec<IdentifiedRegion>,
            Vec<IdentifiedRegion>,
            Containment,
        )> = vec![
            (
                "France in France",
                vec![country(FRANCE)],
                vec![country(FRANCE)],
                Inside,
            ),
            (
                "France in France+Germany",
                vec![country(FRANCE)],
                vec![country(GERMANY), country(FRANCE)],
                Inside,
            ),
            (
                "France+Germany in France",
                vec![country(FRANCE), country(GERMANY)],
                vec![country(FRANCE)],
                Outside,
            ),
            (
                "France in USA",
                vec![country(FRANCE)],
                vec![country(USA)],
                Outside,
            ),
            (
                "France in Europe",
                vec![country(FRANCE)],
                vec![country(EUROPE)],
                Undecidable,
            ),
            (
                "states in USA",
                vec![regions(USA, &[6, 41])],
                vec![country(USA)],
                Inside,
            ),
            (
                "counties in USA",
                vec![subregions(USA, &[(6, &[1, 3])])],
                vec![country(USA)],
                Inside,
            ),
            (
                "state subset",
                vec![regions(USA, &[6])],
                vec![regions(USA, &[6, 41])],
                Inside,
            ),
            (
                "state not listed",
                vec![regions(USA, &[6, 53])],
                vec![regions(USA, &[6, 41])],
                Outside,
            ),
            (
                "states from two outer entries",
                vec![regions(USA, &[6, 41])],
                vec![regions(USA, &[6]), regions(USA, &[41])],
                Inside,
            ),
            (
                "USA in some states",
                vec![country(USA)],
                vec![regions(USA, &[6])],
                Undecidable,
            ),
            (
                "counties in their state",
                vec![subregions(USA, &[(6, &[1, 3])])],
                vec![regions(USA, &[6])],
                Inside,
            ),
            (
                "counties in another state",
                vec![subregions(USA, &[(6, &[1, 3])])],
                vec![regions(USA, &[41])],
                Outside,
            ),
            (
                "county subset",
                vec![subregions(USA, &[(6, &[1, 3])])],
                vec![subregions(USA, &[(6, &[1, 3, 5])])],
                Inside,
            ),
            (
                "county not listed",
                vec![subregions(USA, &[(6, &[1, 7])])],
                vec![subregions(USA, &[(6, &[1, 3, 5])])],
                Outside,
            ),
            (
                "state in some of its counties",
                vec![regions(USA, &[6])],
                vec![subregions(USA, &[(6, &[1, 3, 5])])],
                Undecidable,
            ),
        ];
        for (name, inner, outer, expected) in cases {
            let (inner, outer) = (identified(inner), identified(outer));
            assert_eq!(within(&inner, &outer), expected, "{name}");
            if let (GeographicRegion::IdentifiedRegion(i), GeographicRegion::IdentifiedRegion(o)) =
                (&inner, &outer)
            {
                assert_eq!(identified_within(i, o), Ok(expected), "{name}");
            }
        }
        // Identified against geometric regions, either way round.
        let france = identified(vec![country(FRANCE)]);
        assert_eq!(within(&sophia_rect(), &france), Undecidable);
        assert_eq!(
            within(&france, &circle(SOPHIA.0, SOPHIA.1, 100)),
            Undecidable
        );
    }
}
