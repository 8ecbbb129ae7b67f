//! GPIO: illumination, green/red status LEDs, an optional buzzer and an optional presence
//! sensor. [`Indicators`] holds the logic (which pin shows what); the pins themselves are
//! behind [`Pins`], with the Raspberry Pi driver ([`RppalPins`], `rppal`) and a logging
//! backend for machines without GPIO ([`LogPins`]).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::config::GpioConfig;
use crate::events::GuidanceState;

#[derive(Debug, thiserror::Error)]
pub enum GpioError {
    #[error("GPIO: {0}")]
    Driver(String),
}

/// Digital pins by BCM number.
pub trait Pins: Send {
    fn set(&mut self, pin: u8, high: bool) -> Result<(), GpioError>;
    fn get(&mut self, pin: u8) -> Result<bool, GpioError>;
}

/// The Raspberry Pi's GPIO through `rppal` (character device / gpiomem).
pub struct RppalPins {
    gpio: rppal::gpio::Gpio,
    outputs: BTreeMap<u8, rppal::gpio::OutputPin>,
    inputs: BTreeMap<u8, rppal::gpio::InputPin>,
}

impl RppalPins {
    /// Opens the GPIO peripheral; fails on machines that are not a Raspberry Pi.
    pub fn open() -> Result<RppalPins, GpioError> {
        let gpio = rppal::gpio::Gpio::new().map_err(|e| GpioError::Driver(e.to_string()))?;
        Ok(RppalPins { gpio, outputs: BTreeMap::new(), inputs: BTreeMap::new() })
    }
}

impl Pins for RppalPins {
    fn set(&mut self, pin: u8, high: bool) -> Result<(), GpioError> {
        if !self.outputs.contains_key(&pin) {
            let p = self.gpio.get(pin).map_err(|e| GpioError::Driver(format!("pin {pin}: {e}")))?.into_output_low();
            self.outputs.insert(pin, p);
        }
        let p = self.outputs.get_mut(&pin).expect("inserted");
        if high {
            p.set_high();
        } else {
            p.set_low();
        }
        Ok(())
    }

    fn get(&mut self, pin: u8) -> Result<bool, GpioError> {
        if !self.inputs.contains_key(&pin) {
            let p = self.gpio.get(pin).map_err(|e| GpioError::Driver(format!("pin {pin}: {e}")))?.into_input_pulldown();
            self.inputs.insert(pin, p);
        }
        Ok(self.inputs[&pin].is_high())
    }
}

/// No GPIO: remembers pin levels and logs changes at debug level.
#[derive(Debug, Default)]
pub struct LogPins {
    pub levels: BTreeMap<u8, bool>,
    /// Every change, in order: (pin, level).
    pub history: Vec<(u8, bool)>,
}

impl Pins for LogPins {
    fn set(&mut self, pin: u8, high: bool) -> Result<(), GpioError> {
        if self.levels.insert(pin, high) != Some(high) {
            log::debug!("gpio {pin} -> {}", if high { "high" } else { "low" });
            self.history.push((pin, high));
        }
        Ok(())
    }

    fn get(&mut self, pin: u8) -> Result<bool, GpioError> {
        Ok(self.levels.get(&pin).copied().unwrap_or(false))
    }
}

/// How long the buzzer sounds for a reading.
pub const BEEP: Duration = Duration::from_millis(150);

/// Pin logic for the guidance states and readings.
pub struct Indicators {
    config: GpioConfig,
    pins: Box<dyn Pins>,
    beep_until: Option<Instant>,
    failed: bool,
}

impl Indicators {
    pub fn new(config: GpioConfig, pins: Box<dyn Pins>) -> Indicators {
        let mut i = Indicators { config, pins, beep_until: None, failed: false };
        i.show(GuidanceState::NoDocument);
        i
    }

    /// The configured backend: the Pi's GPIO when enabled (an error if it cannot be opened),
    /// else logging only.
    pub fn from_config(config: &GpioConfig) -> Result<Indicators, GpioError> {
        let pins: Box<dyn Pins> = if config.enabled { Box::new(RppalPins::open()?) } else { Box::new(LogPins::default()) };
        Ok(Indicators::new(config.clone(), pins))
    }

    fn set(&mut self, pin: Option<u8>, high: bool) {
        if let Some(p) = pin {
            if let Err(e) = self.pins.set(p, high) {
                log::warn!("{e}");
            }
        }
    }

    /// The presence sensor, if one is configured.
    pub fn presence(&mut self) -> Option<bool> {
        let pin = self.config.presence?;
        match self.pins.get(pin) {
            Ok(v) => Some(v),
            Err(e) => {
                log::warn!("{e}");
                None
            }
        }
    }

    /// Shows a guidance state: illumination while a page is present (or the presence sensor
    /// says so), green after a good reading until the page leaves, red while the traveller
    /// must fix something or after a failed reading.
    pub fn show(&mut self, state: GuidanceState) {
        use GuidanceState::*;
        let page = !matches!(state, NoDocument | TooDark);
        let light = self.presence().unwrap_or(false) || page;
        if !page {
            self.failed = false;
        }
        self.set(self.config.illumination, light);
        self.set(self.config.led_green, state == Done && !self.failed);
        let red = matches!(state, MoveCloser | HoldStill | Glare | TooDark) || (state == Done && self.failed);
        self.set(self.config.led_red, red);
        self.tick();
    }

    /// A reading was emitted (`ok`: every check digit holds).
    pub fn reading(&mut self, ok: bool) {
        self.failed = !ok;
        if ok && self.config.buzzer.is_some() {
            self.set(self.config.buzzer, true);
            self.beep_until = Some(Instant::now() + BEEP);
        }
    }

    /// Ends a beep whose time is up; call once per frame.
    pub fn tick(&mut self) {
        if self.beep_until.is_some_and(|t| Instant::now() >= t) {
            self.beep_until = None;
            self.set(self.config.buzzer, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Pins shared with the test, to look at them after `Indicators` took ownership.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<LogPins>>);
    impl Pins for Shared {
        fn set(&mut self, pin: u8, high: bool) -> Result<(), GpioError> {
            self.0.lock().unwrap().set(pin, high)
        }
        fn get(&mut self, pin: u8) -> Result<bool, GpioError> {
            self.0.lock().unwrap().get(pin)
        }
    }

    fn cfg() -> GpioConfig {
        GpioConfig { enabled: true, illumination: Some(17), led_green: Some(27), led_red: Some(22), buzzer: Some(23), presence: None }
    }

    #[test]
    fn states_drive_the_pins() {
        let pins = Shared::default();
        let mut ind = Indicators::new(cfg(), Box::new(pins.clone()));
        let level = |p: u8| pins.0.lock().unwrap().levels.get(&p).copied();
        assert_eq!((level(17), level(27), level(22)), (Some(false), Some(false), Some(false)));
        ind.show(GuidanceState::HoldStill);
        assert_eq!((level(17), level(27), level(22)), (Some(true), Some(false), Some(true)));
        ind.show(GuidanceState::Reading);
        assert_eq!((level(17), level(22)), (Some(true), Some(false)));
        ind.reading(true);
        assert_eq!(level(23), Some(true), "beep");
        ind.show(GuidanceState::Done);
        assert_eq!((level(27), level(22)), (Some(true), Some(false)));
        std::thread::sleep(BEEP + Duration::from_millis(20));
        ind.tick();
        assert_eq!(level(23), Some(false), "beep ends");
        ind.show(GuidanceState::NoDocument);
        assert_eq!((level(17), level(27), level(22)), (Some(false), Some(false), Some(false)));
        // A failed reading shows red, not green.
        ind.show(GuidanceState::Reading);
        ind.reading(false);
        ind.show(GuidanceState::Done);
        assert_eq!((level(27), level(22)), (Some(false), Some(true)));
    }

    #[test]
    fn the_presence_sensor_turns_the_light_on() {
        let pins = Shared::default();
        let mut ind = Indicators::new(GpioConfig { presence: Some(5), ..cfg() }, Box::new(pins.clone()));
        assert_eq!(ind.presence(), Some(false));
        pins.0.lock().unwrap().levels.insert(5, true);
        ind.show(GuidanceState::NoDocument);
        assert_eq!(pins.0.lock().unwrap().levels.get(&17), Some(&true));
    }

    /// This machine is not a Raspberry Pi: the real driver reports that instead of panicking.
    #[test]
    fn the_real_driver_fails_cleanly_off_a_pi() {
        if std::path::Path::new("/dev/gpiomem").exists() || std::path::Path::new("/dev/gpiochip0").exists() {
            return; // on a Pi this test has nothing to show
        }
        assert!(RppalPins::open().is_err());
        assert!(Indicators::from_config(&cfg()).is_err());
        assert!(Indicators::from_config(&GpioConfig::default()).is_ok(), "disabled: logging backend");
    }
}
