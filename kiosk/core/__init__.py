"""The kiosk's pure core: everything it decides, testable without Kivy, a server or devices."""
