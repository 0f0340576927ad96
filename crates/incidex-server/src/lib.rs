//! The incidex web application and JSON API.
